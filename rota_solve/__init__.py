"""rota-solve: build and check resident doctors' rotas (England, 2016 TCS and 2019 refresh).

The code lives in the repository's top-level `solver/` and `constraints/` folders and is
installed as `rota_solve.solver` and `rota_solve.constraints`.
"""

__version__ = "0.1.0"

__all__ = ["bench", "build", "check"]


def __getattr__(name: str) -> object:
    """`from rota_solve import bench, build, check` (solver/api.py), imported on first use so
    that importing the package (and `check`) never loads ortools or dask."""
    if name in __all__:
        from rota_solve.solver import api

        return getattr(api, name)
    raise AttributeError(f"module 'rota_solve' has no attribute {name!r}")
