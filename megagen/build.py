"""Build a run of levels to disk: plan blocks, map them over workers, write PNGs.

``build`` is the library behind ``megagen build``. Each worker generates one block
(plus a halo of levels below it, so openings can be shaded by depth), renders and
writes that block's level PNGs itself (atomically), and returns only small
per-level statistics. Peak memory is one block per worker, whatever the range.

Output layout::

    OUT/levels/level_00000.png   one paletted floor plan per absolute level
    OUT/legend.png               the palette, named
    OUT/manifest.json            seed, preset (resolved, as data), versions, stats

The manifest is written last: its presence means the build completed.
"""
from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Callable

from . import __version__
from .api import DEFAULT_PRESET, DEFAULT_SEED, DEFAULT_SIZE, as_levels, as_preset, as_size
from .config import CityConfig, Preset, as_dict
from .errors import ArgumentError, ConfigError, OutputError
from .executors import check_scheduler, run_tasks
from .files import atomic_write, write_bytes
from .journal import Journal
from .world import Box, plan_blocks

Progress = Callable[[int, int], None]

LEVELS_DIR = "levels"
MANIFEST = "manifest.json"
LEGEND = "legend.png"
PAGE = "index.html"  # megagen.viewer.PAGE
OWN_FILES = (MANIFEST, LEGEND, PAGE)


def level_filename(level: int) -> str:
    """``level_00042.png``: absolute level number, at least five digits."""
    return f"level_{level:05d}.png"


# ---------------------------------------------------------------- atomic writes

def write_png(image, path: Path, provenance: dict[str, str]) -> None:
    """Write a PIL image as PNG with ``provenance`` as tEXt chunks, atomically."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for key, value in provenance.items():
        info.add_text(str(key), str(value))
    atomic_write(path, lambda fh: image.save(fh, format="PNG", pnginfo=info, compress_level=1))


def write_json(data, path: Path) -> None:
    text = json.dumps(data, indent=1, sort_keys=False) + "\n"
    write_bytes(path, text.encode("utf-8"))


# ---------------------------------------------------------------- output dir

def prepare_out_dir(out_dir: Path, force: bool) -> list[Path]:
    """Check that ``out_dir`` can take a build; create it. Returns the dirs created.

    Raises :class:`OutputError` if it is not a directory, not empty (unless
    ``force``), or not writable. Called before anything is generated.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"output {out_dir} exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise OutputError(f"output directory {out_dir} is not empty (use --force to overwrite)")
    created: list[Path] = []
    for parent in reversed([out_dir, *out_dir.parents]):
        if parent.exists() and not parent.is_dir():
            raise OutputError(f"output {out_dir} cannot be created: {parent} is not a directory")
    try:
        for directory in (out_dir, out_dir / LEVELS_DIR):
            missing = [p for p in reversed([directory, *directory.parents]) if not p.exists()]
            directory.mkdir(parents=True, exist_ok=True)
            created.extend(missing)
        probe = tempfile.NamedTemporaryFile(dir=out_dir / LEVELS_DIR, prefix=".probe.", delete=True)
        probe.close()
    except OSError as exc:
        _remove_dirs(created)
        raise OutputError(f"output {out_dir} is not writable ({exc.strerror or exc})") from None
    return created


def _remove_dirs(dirs: list[Path]) -> None:
    for directory in reversed(dirs):
        try:
            directory.rmdir()
        except OSError:
            pass


# ---------------------------------------------------------------- the worker

def _build_block(lo: int, hi: int, width: int, depth: int, config: CityConfig, seed: int,
                 preset_name: str, levels_dir: str, export_spec=None,
                 section_factors=None, origin: tuple[int, int] = (0, 0)) -> tuple[list[dict], dict | None, object]:
    """Generate levels ``[lo, hi)`` with their halo, write their PNGs, return their stats,
    this block's exports (``megagen.export``) when ``export_spec`` is set and its section
    strip (``megagen.render.overview``) when ``section_factors`` is set.

    Runs in a worker process; returns only small data."""
    from .api import provenance
    from .generate import generate_box
    from .render import slices
    from .stats import level_stats

    h = config.level_height
    first = max(0, lo - slices.HALO_LEVELS)
    voxels = generate_box(Box(first, hi, width, depth, x0=origin[0], y0=origin[1]), config, seed)
    n_halo = lo - first
    from . import features

    marks, watched = features.overlay(voxels[n_halo * h:], lo, config, seed, x0=origin[0], y0=origin[1])
    if marks is None:
        indices = slices.render_levels(voxels, lo, n_halo, h)
    else:
        indices = slices.render_levels(voxels, lo, n_halo, h, overlay=marks)
    for i, level in enumerate(range(lo, hi)):
        meta = provenance(seed, level, preset_name)
        image = slices.to_image(indices[i], meta)
        write_png(image, Path(levels_dir) / level_filename(level), meta)
    exported = None
    if export_spec is not None:
        from .export.run import write_block as export_block

        exported = export_block(voxels[n_halo * h:], lo, hi, export_spec)
    rows = level_stats(voxels[n_halo * h:], h, lo)
    extra = features.level_stats(voxels[n_halo * h:], lo, config, seed, watched, x0=origin[0], y0=origin[1])
    for row, more in zip(rows, extra or ()):
        row.update(more)
    from .render.overview import block_strip

    return rows, exported, block_strip(voxels[n_halo * h:], section_factors)


def _run_block(args: tuple) -> tuple:
    """One task on a worker: a block ``(lo, hi, (stats, exports, strip))``, or an
    isometric overview ``("iso", name, None)`` drawn beside the blocks."""
    if args[0] == "iso":
        from .render.overview import write_iso_run

        _, out, start, stop, width, depth, config, seed, meta, origin = args
        return "iso", write_iso_run(out, range(start, stop), width, depth, config, seed, write_png, meta, origin), None
    *task, origin = args
    return task[0], task[1], _build_block(*task, origin=origin)


def _overview_meta(seed: int, preset_name: str) -> dict[str, str]:
    import numpy as np

    return {"seed": str(seed), "preset": preset_name, "version": __version__,
            "numpy": np.__version__, "Software": f"megagen {__version__}"}


# ---------------------------------------------------------------- build

def as_part(part) -> tuple[int, int]:
    """``(I, N)`` or ``"I/N"``: the I-th (1-based) of N disjoint shares of the blocks."""
    if isinstance(part, str):
        try:
            i, n = (int(v) for v in part.split("/"))
        except ValueError:
            raise ArgumentError(f"part {part!r} must be I/N, e.g. 2/4") from None
    else:
        i, n = (int(v) for v in part)
    if not 1 <= i <= n:
        raise ArgumentError(f"part {i}/{n} must have 1 <= I <= N")
    return i, n


def build(levels: range | int, seed: int = DEFAULT_SEED, size: int | tuple[int, int] = DEFAULT_SIZE,
          preset: str | Preset = DEFAULT_PRESET, out_dir: str | os.PathLike = "output",
          workers: int = 1, force: bool = False, progress: Progress | None = None,
          overrides: tuple[str, ...] = (), exports=(), export_options: dict | None = None,
          origin: tuple[int, int] = (0, 0), resume: bool = False, part=(1, 1),
          scheduler: str | None = None, load_stats: bool = True) -> dict | None:
    """Generate ``levels`` and write their floor plans under ``out_dir``; return the manifest.

    ``levels`` is a ``range`` of absolute levels (or ``N`` for ``0..N-1``); ``size`` is
    ``W`` or ``(W, D)`` voxels with the corner at ``origin = (x, y)`` in the unbounded
    plane; ``workers=1`` runs inline, more use a process pool, and ``scheduler``
    (``"local"`` or a Dask scheduler address) runs the blocks on Dask instead.
    ``progress(levels_done, levels_total)`` is called as blocks complete.

    A journal under ``out_dir/.megagen`` records each finished block, so a build that
    dies continues with ``resume=True``; ``part=(I, N)`` builds the I-th of N shares
    of the blocks (parts may run at once into the same folder). The part that finds
    every block done writes the overview and the manifest and returns it; the others
    return None. Raises :class:`~megagen.errors.OutputError` before generating
    anything if ``out_dir`` holds another build (unless ``force``) or cannot be written.
    ``exports`` (``"vox,zarr"`` or a list, see :mod:`megagen.export`) are written under
    ``out_dir`` by the workers while the build streams. With ``load_stats=False`` the
    returned manifest leaves out the per-level ``stats`` (they are in manifest.json):
    the parent's memory then stays flat however many levels are built.
    """
    started = time.perf_counter()
    levels = as_levels(levels)
    width, depth = as_size(size)
    x0, y0 = (int(v) for v in origin)
    Box(levels.start, levels.stop, width, depth, x0=x0, y0=y0)  # checks the coordinates
    part = as_part(part)
    resolved = as_preset(preset, overrides)
    if int(workers) < 1:
        raise ArgumentError(f"workers must be at least 1, got {workers}")
    if int(seed) < 0:  # numpy's SeedSequence takes no negative seed
        raise ConfigError(f"seed must be a non-negative integer, got {seed}")
    check_scheduler(scheduler)
    config = resolved.config
    out = Path(out_dir)
    export_spec = None
    if exports:
        from .export import run as export_run

        export_spec = export_run.make_spec(exports, levels, (width, depth), resolved, seed, out, None,
                                           export_options, origin=(x0, y0))
    spec = _fingerprint(levels, seed, width, depth, x0, y0, resolved, export_spec)
    journal = Journal(out, part)
    finished = _prepare(out, journal, spec, force, resume, part)
    if finished is not None:
        return finished
    journal.start(spec, setup=(lambda: export_run.begin(export_spec)) if export_spec is not None else None)
    levels_dir = out / LEVELS_DIR

    blocks = plan_blocks(levels.start, levels.stop, config.block_levels)
    mine = blocks[part[0] - 1::part[1]]
    done_before = journal.done()
    todo = [(lo, hi) for lo, hi in mine if lo not in done_before]
    from .render import overview

    section = overview.section_canvas(levels, config.level_height, width)
    tasks = [(lo, hi, width, depth, config, int(seed), resolved.name, str(levels_dir), export_spec,
              section.strip_factors, (x0, y0)) for lo, hi in todo]
    if part[0] == 1:  # the isometric overviews are drawn by the workers too, while blocks run
        meta = _overview_meta(seed, resolved.name)
        tasks[:0] = [("iso", str(out), run.start, run.stop, width, depth, config, int(seed), meta, (x0, y0))
                     for run in overview.iso_runs(levels) if not (out / overview.iso_name(run)).is_file()]
    total = sum(hi - lo for lo, hi in mine)
    done = total - sum(hi - lo for lo, hi in todo)
    if progress is not None and done:
        progress(done, total)
    try:
        for lo, hi, result in run_tasks(_run_block, tasks, int(workers), scheduler):
            if lo == "iso":
                continue
            block_stats, block_exports, strip = result
            journal.record(lo, hi, block_stats, block_exports, strip)
            done += hi - lo
            if progress is not None:
                progress(done, total)
    except OSError as exc:
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        raise OutputError(f"cannot write{where}: {exc.strerror or exc}; finished blocks are kept, "
                          f"rerun with --resume once fixed") from None

    records = journal.done()
    if any(lo not in records for lo, _ in blocks):
        return None  # other parts still running: the last one writes the manifest
    if not journal.claim_finish() and not resume:
        return None  # another part is finishing (--resume takes over a finish that died)
    return _finish(out, journal, records, blocks, levels, seed, width, depth, (x0, y0), resolved, force,
                   export_spec, section, workers, scheduler, part, started, load_stats)


def _fingerprint(levels, seed, width, depth, x0, y0, preset: Preset, export_spec) -> dict:
    """Everything that decides the build's bytes: a resumed or parted build must match it."""
    exports = None
    if export_spec is not None:
        exports = {"formats": list(export_spec.formats),
                   "options": json.loads(json.dumps(export_spec.options, default=str))}
    return {"megagen": __version__, "seed": int(seed), "levels": [levels.start, levels.stop],
            "size": [width, depth], "origin": [x0, y0], "preset": preset.name,
            "config": as_dict(preset.config), "exports": exports}


def _prepare(out: Path, journal: Journal, spec: dict, force: bool, resume: bool, part) -> dict | None:
    """Decide what ``out`` holds and whether this build may go on; returns the existing
    manifest when a resumed build is already complete."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"output {out} exists and is not a directory")
    if journal.exists() and not force:
        if not (resume or part != (1, 1)):
            done = sum(r.hi - r.lo for r in journal.done().values())
            raise OutputError(f"output directory {out} holds an unfinished build ({done} levels done): "
                              f"rerun with --resume to finish it, or --force to start over")
        journal.check(spec)
        return None
    if (resume or part != (1, 1)) and not force:
        manifest = out / MANIFEST
        if manifest.is_file():  # a retried part or resume of a finished build: nothing left to do
            try:
                old = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = {}
            if old.get("fingerprint") == spec:
                return old
            raise OutputError(f"output directory {out} holds a different, finished build; use --force to replace it")
        if resume:
            raise OutputError(f"nothing to resume in {out}: no unfinished build there")
    if force and journal.root.exists():
        journal.remove()
    # parts started together may find each other's fresh journal and levels folder
    theirs = {p.name for p in out.iterdir()} - {LEVELS_DIR, ".megagen"} if out.is_dir() else set()
    prepare_out_dir(out, force or (part != (1, 1) and not theirs))
    if force:
        for name in OWN_FILES:  # a stale manifest must not vouch for a half-rebuilt dir
            (out / name).unlink(missing_ok=True)
        for stale in (out / "iso").glob("iso_L*.png"):  # drawn again for this build
            stale.unlink()
    return None


def _finish(out, journal, records, blocks, levels, seed, width, depth, origin, resolved, force,
            export_spec, section, workers, scheduler, part, started, load_stats) -> dict:
    """Legend, overview, exports' indexes, viewer page and manifest, from the journal.

    Per-level statistics stream from the journal to the page and the manifest, one
    block at a time: the parent never holds them all."""
    import numpy as np

    config = resolved.config
    levels_dir = out / LEVELS_DIR
    exported: list[dict] = []
    watched = standable = 0
    for lo, hi in blocks:
        row = journal.read(records[lo])
        for level_row in row["stats"]:
            watched += level_row.get("watched_area", 0)
            standable += level_row["standable_area"]
        if row["exports"]:
            exported.append({**row["exports"], "_lo": lo})
        strip = journal.strip(lo)
        if strip is not None:
            section.paste(lo, hi, strip)

    def level_rows():
        for lo, _ in blocks:
            yield from journal.read(records[lo])["stats"]

    from .render import overview, slices

    write_png(slices.legend_image(), out / LEGEND, {"megagen": __version__, "Software": f"megagen {__version__}"})
    if force:
        keep = {level_filename(level) for level in levels}
        for stale in levels_dir.glob("level_*.png"):
            if stale.name not in keep:
                stale.unlink(missing_ok=True)
    for orphan in levels_dir.glob(".level_*.tmp"):  # left by a writer killed mid-write (SIGKILL)
        orphan.unlink(missing_ok=True)
    export_summary = None
    if export_spec is not None:
        from .export import run as export_run

        export_summary = export_run.finish(export_spec, exported)
    drawn = overview.write_overview(out, levels, width, depth, resolved, seed, section, levels_dir, level_filename,
                                    write_png, _overview_meta(seed, resolved.name), origin=origin, iso_done=True)
    manifest = {
        "megagen": __version__,
        "seed": int(seed),
        "preset": {"name": resolved.name, "description": resolved.description,
                   "source": resolved.source, "config": as_dict(config)},
        "size": {"width": width, "depth": depth},
        "origin": {"x": origin[0], "y": origin[1]},
        "level_height": config.level_height,
        "levels": {"start": levels.start, "stop": levels.stop, "count": len(levels)},
        "files": {"levels": f"{LEVELS_DIR}/level_{{level:05d}}.png", "legend": LEGEND, **drawn},
        "versions": {"megagen": __version__, "numpy": np.__version__, "python": platform.python_version()},
        "fingerprint": journal.spec(),
    }
    from .features import summary as feature_summary

    features = feature_summary(config, int(seed), levels, depth, width, x0=origin[0], y0=origin[1])
    if features:
        if "safeguard" in features:  # of all standable floor in the build, how much is watched
            features["safeguard"]["watched_fraction"] = round(watched / standable, 6) if standable else 0.0
        manifest["features"] = features
    if export_summary is not None:
        manifest["exports"] = export_summary
    # how this run went (differs between runs of the same city; everything else does not)
    manifest["run"] = {"workers": int(workers), "scheduler": scheduler, "part": list(part),
                       "wall_seconds": round(time.perf_counter() - started, 3)}
    try:  # the viewer page, from the manifest-to-be; the manifest itself still comes last
        from .viewer import write_page

        write_page(out, manifest, stats=level_rows())
    except Exception as exc:  # noqa: BLE001 - a page bug must not lose a finished build
        manifest["viewer_error"] = f"{type(exc).__name__}: {exc}"
    _write_manifest(out / MANIFEST, manifest, level_rows())
    journal.remove()
    if load_stats:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    return manifest


def _write_manifest(path: Path, manifest: dict, rows) -> None:
    """``manifest`` with ``"stats": [rows...]`` after its ``"fingerprint"``, streamed to disk."""
    head = {}
    tail = dict(manifest)
    for key in manifest:
        head[key] = tail.pop(key)
        if key == "fingerprint":
            break

    def write(fh):
        fh.write(json.dumps(head, indent=1)[:-2].encode("utf-8"))
        fh.write(b',\n "stats": [')
        for i, row in enumerate(rows):
            fh.write((b",\n  " if i else b"\n  ") + json.dumps(row).encode("utf-8"))
        fh.write(b"\n ]")
        for key, value in tail.items():
            fh.write(f',\n {json.dumps(key)}: '.encode("utf-8") + json.dumps(value, indent=1).encode("utf-8"))
        fh.write(b"\n}\n")

    atomic_write(path, write)
