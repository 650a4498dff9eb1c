"""Atomic file writes: a crash leaves the old file or the new one, never half of one."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write(path: str | os.PathLike, write: Callable) -> int:
    """Call ``write(fileobj)`` on a temp file beside ``path``, then rename it over ``path``.

    The file gets the usual permissions (0666 less the umask), not mkstemp's 0600.
    Returns the bytes written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path.stat().st_size


def write_bytes(path: str | os.PathLike, data: bytes) -> int:
    return atomic_write(path, lambda fh: fh.write(data))
