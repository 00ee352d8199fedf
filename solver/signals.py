"""SIGINT (Ctrl-C) and SIGTERM (what `timeout`, schedulers and service managers send),
handled alike, by phase:

* `abort` (reading, building the model, explaining): stop at once (KeyboardInterrupt), so
  cleanup runs and nothing is half-written;
* `stop` (solving): ask the solver to stop and keep the best compliant rota found;
* `defer` (writing the rota): finish writing first, so the rota is not lost; a second signal
  aborts, and the temporary file is removed.

OR-Tools' own SIGINT catching is turned off (`catch_sigint_signal`): it resets SIGINT to the
OS default after a solve, after which Ctrl-C would kill the process with no cleanup. Handlers
can only be installed in the main thread; elsewhere (a worker thread) this does nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, Literal

Phase = Literal["abort", "stop", "defer"]
SIGNALS = (signal.SIGINT, signal.SIGTERM)
NAMES = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "SIGTERM"}


class Signals:
    def __init__(self) -> None:
        self.received: int | None = None
        self.phase: Phase = "abort"
        self.stop: Callable[[], None] | None = None
        self._old: dict[int, Any] = {}

    @property
    def name(self) -> str:
        return NAMES.get(signal.Signals(self.received), "a signal") if self.received else ""

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        first = self.received is None
        self.received = signum
        if self.phase == "stop" and self.stop is not None:
            self.stop()
            return
        if self.phase == "defer" and first:
            return
        raise KeyboardInterrupt

    def __enter__(self) -> Signals:
        if threading.current_thread() is threading.main_thread():
            for sig in SIGNALS:
                self._old[sig] = signal.getsignal(sig)
                signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)
        self._old.clear()

    @contextmanager
    def during(self, phase: Phase, stop: Callable[[], None] | None = None) -> Iterator[None]:
        before, self.phase, self.stop = self.phase, phase, stop
        try:
            yield
        finally:
            self.phase, self.stop = before, None

    @property
    def active(self) -> bool:
        return bool(self._old)


def exit_code(signum: int | None) -> int:
    """The shell's code for a command ended by a signal: 128 + its number."""
    return 128 + int(signum or signal.SIGINT)
