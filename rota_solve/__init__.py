"""rota-solve: build and check resident doctors' rotas (England, 2016 TCS and 2019 refresh).

The code lives in the repository's top-level `solver/` and `constraints/` folders and is
installed as `rota_solve.solver` and `rota_solve.constraints`.
"""

__version__ = "0.1.0"
