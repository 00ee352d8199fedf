"""The `rota-solve` command's entry point.

Ctrl-C or SIGTERM while the program is still starting (importing its libraries) exits
quietly with the shell's code for the signal, before anything is read or written; the
commands then install their own handlers (solver/signals.py).
"""

from __future__ import annotations

import signal
import sys
from types import FrameType


def _early(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _early)
    from rota_solve.solver.cli import main as run

    run()
    sys.exit(0)
