"""Writing an output file safely: refused before any work when it could not be written or
is an input, written atomically (never half-written), with the permissions a new file gets."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rota_solve.solver.errors import InputError


def check_output(target: Path, *, protect: list[Path]) -> Path:
    """Refuse, before any work is done, an output the command could not write: not .xlsx,
    an input file, a folder, in a folder that does not exist or cannot be written."""
    target = Path(target)
    for p in protect:
        if p.exists() and target.exists() and target.resolve() == p.resolve():
            raise InputError(f"{target} is the input workbook: choose another output file name")
    if target.is_dir():
        raise InputError(f"{target} is a folder: give a file name ending .xlsx")
    if target.suffix.lower() != ".xlsx":
        raise InputError(f"{target}: the output must be an .xlsx file")
    parent = target.resolve().parent
    if not parent.is_dir():
        raise InputError(f"{target}: the folder {parent} does not exist; create it first")
    if target.exists() and not os.access(target, os.W_OK):
        raise InputError(f"{target}: cannot write over it (permission denied)")
    try:  # the one sure test (root, read-only file systems): make a file there
        fd, probe = tempfile.mkstemp(prefix=".rota-solve-", suffix=".probe", dir=parent)
    except OSError as exc:
        raise InputError(
            f"{target}: cannot write in {parent} ({exc.strerror or exc}): choose another folder"
        ) from None
    os.close(fd)
    os.unlink(probe)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: Path, *, protect: list[Path]) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target` in one step,
    so the output is never half-written. Refuses to write over any `protect`ed file. The
    file gets the permissions a new file gets under the user's umask (mkstemp's own are
    0600, which colleagues on a shared drive could not open), or the mode of the file it
    replaces. An interruption (a signal, an error) leaves no temporary file."""
    target = check_output(target, protect=protect)
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=".rota-solve-", suffix=".xlsx", dir=target.resolve().parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
