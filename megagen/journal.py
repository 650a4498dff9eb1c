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
from typing import NamedTuple

import numpy as np

from .errors import OutputError
from .files import write_bytes

DIR = ".megagen"


class Entry(NamedTuple):
    """Where a finished block's record lies in the journal."""

    lo: int
    hi: int
    path: Path
    offset: int
    length: int

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

    def done(self) -> dict[int, "Entry"]:
        """Every finished block of every part: ``{lo: Entry}``. Only where each record
        lies is kept, not its statistics: 60,000 levels cost the parent no more than 600."""
        out: dict[int, Entry] = {}
        for path in sorted(self.root.glob("blocks*.jsonl")):
            offset = 0
            with open(path, "rb") as fh:
                for raw in fh:
                    start, offset = offset, offset + len(raw)
                    try:
                        head = json.loads(raw)  # a torn last line fails here: that block is redone
                    except ValueError:
                        continue
                    out[int(head["lo"])] = Entry(int(head["lo"]), int(head["hi"]), path, start, len(raw))
                    del head
        return out

    @staticmethod
    def read(entry: "Entry") -> dict:
        """The record ``{"lo", "hi", "stats", "exports"}`` of one finished block."""
        with open(entry.path, "rb") as fh:
            fh.seek(entry.offset)
            return json.loads(fh.read(entry.length))

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
