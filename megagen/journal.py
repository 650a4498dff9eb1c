"""The build journal: what is done, so a build that dies loses nothing already written.

A build keeps ``OUT/.megagen/``: ``spec.json`` (the build's fingerprint: everything
that decides its bytes), one append-only ``blocks*.jsonl`` per part (a line per
finished block, written only after that block's files are on disk), and the
block's section strip as ``strips/L{lo}.npy``. A torn last line (SIGKILL mid-write)
is ignored, so at most the blocks in flight are redone. The directory is removed
once the manifest is written: a finished build looks like any other.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

from .errors import OutputError
from .files import write_bytes

DIR = ".megagen"
SPEC = "spec.json"


class Journal:
    """The journal of one build (all its parts) under ``out/.megagen``."""

    def __init__(self, out: Path, part: tuple[int, int] = (1, 1)):
        self.root = Path(out) / DIR
        self.part = part
        name = "blocks.jsonl" if part == (1, 1) else f"blocks-part{part[0]}of{part[1]}.jsonl"
        self.path = self.root / name

    # -- the spec -----------------------------------------------------------------
    def exists(self) -> bool:
        return (self.root / SPEC).is_file()

    def spec(self) -> dict | None:
        try:
            return json.loads((self.root / SPEC).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise OutputError(f"build journal {self.root / SPEC} is unreadable ({exc}); use --force to start over") from None

    def start(self, spec: dict, setup=None) -> bool:
        """Create the journal for ``spec``, calling ``setup()`` (shared outputs such as a
        zarr array) first; True if this call created it, False if another part had (its
        spec must match). The spec is written last, so parts that wait for it never
        write into outputs that are not set up yet."""
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "strips").mkdir(exist_ok=True)
        try:
            fd = os.open(self.root / ".lock-start", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            for _ in range(600):  # another part is writing the spec: wait for it
                if self.exists():
                    break
                time.sleep(0.05)
            self.check(spec)
            return False
        os.close(fd)
        if setup is not None:
            setup()
        _write_atomic(self.root / SPEC, json.dumps(spec, indent=1, sort_keys=True))
        return True

    def check(self, spec: dict) -> None:
        """Raise unless the journal was started for exactly ``spec``."""
        old = self.spec()
        if old != spec:
            differs = sorted(k for k in set(spec) | set(old or {}) if (old or {}).get(k) != spec.get(k))
            raise OutputError(f"the interrupted build in {self.root.parent} differs from this one "
                              f"({', '.join(differs) or 'unreadable'}); use --force to start over")

    # -- blocks -------------------------------------------------------------------
    def record(self, lo: int, hi: int, stats: list[dict], exports: dict | None, strip) -> None:
        """Note block ``[lo, hi)`` as done; call only after its files are written."""
        if strip is not None:
            path = self.root / "strips" / f"L{lo}.npy"
            tmp = path.with_suffix(".tmp")
            try:
                with open(tmp, "wb") as fh:
                    np.save(fh, strip)
                os.replace(tmp, path)
            except BaseException:  # a full disk must not leave half a strip behind
                tmp.unlink(missing_ok=True)
                raise
        line = json.dumps({"lo": lo, "hi": hi, "stats": stats, "exports": exports}) + "\n"
        fd = os.open(self.path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)

    def done(self) -> dict[int, dict]:
        """Every finished block of every part: ``{lo: {"lo", "hi", "stats", "exports"}}``."""
        out: dict[int, dict] = {}
        for path in sorted(self.root.glob("blocks*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                except ValueError:
                    continue  # a torn last line: that block is simply redone
                out[int(row["lo"])] = row
        return out

    def strip(self, lo: int):
        path = self.root / "strips" / f"L{lo}.npy"
        return np.load(path) if path.is_file() else None

    def claim_finish(self) -> bool:
        """True for exactly one caller: the part that writes the manifest."""
        try:
            os.close(os.open(self.root / ".lock-finish", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return True
        except FileExistsError:
            return False

    def remove(self) -> None:
        for path in sorted(self.root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink(missing_ok=True)
        self.root.rmdir()


def _write_atomic(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))
