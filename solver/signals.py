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
# Not a signal: a tier of the department found no rota, so the others stop (solve.py).
NO_ROTA_ELSEWHERE = -1
NAMES = {
    int(signal.SIGINT): "Ctrl-C (SIGINT)",
    int(signal.SIGTERM): "SIGTERM",
    NO_ROTA_ELSEWHERE: "another tier has no rota",
}


class Signals:
    """One per command. Several searches may be in the `stop` phase at once (the tiers of a
    department built side by side, solve.py): a signal stops every one of them, and a
    search that starts after it sees `received` and stops at once."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._base: Phase = "abort"
        self._stops: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._old: dict[int, Any] = {}

    @property
    def phase(self) -> Phase:
        return "stop" if self._stops else self._base

    @property
    def name(self) -> str:
        return NAMES.get(self.received, "a signal") if self.received else ""

    def trip(self, signum: int) -> bool:
        """Record `signum` and stop every search in the `stop` phase; False if none was."""
        self.received = signum
        with self._lock:
            stops = list(self._stops)
        for stop in stops:
            stop()
        return bool(stops)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        first = self.received is None
        if self.trip(signum):
            return
        if self._base == "defer" and first:
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
        """`stop` with the search's stop function (from any thread); `abort` or `defer`
        from the main thread."""
        if phase == "stop":
            assert stop is not None
            with self._lock:
                self._stops.append(stop)
            try:
                yield
            finally:
                with self._lock:
                    self._stops.remove(stop)
            return
        before, self._base = self._base, phase
        try:
            yield
        finally:
            self._base = before

    @property
    def active(self) -> bool:
        return bool(self._old)


def exit_code(signum: int | None) -> int:
    """The shell's code for a command ended by a signal: 128 + its number."""
    return 128 + int(signum or signal.SIGINT)
