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
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Callable

from . import __version__
from .api import DEFAULT_PRESET, DEFAULT_SEED, DEFAULT_SIZE, as_levels, as_preset, as_size
from .config import CityConfig, Preset, as_dict
from .errors import OutputError
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

def _atomic_write(path: Path, write: Callable) -> None:
    """Call ``write(fileobj)`` on a temp file next to ``path``, then rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_png(image, path: Path, provenance: dict[str, str]) -> None:
    """Write a PIL image as PNG with ``provenance`` as tEXt chunks, atomically."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for key, value in provenance.items():
        info.add_text(str(key), str(value))
    _atomic_write(Path(path), lambda fh: image.save(fh, format="PNG", pnginfo=info, compress_level=1))


def write_json(data, path: Path) -> None:
    text = json.dumps(data, indent=1, sort_keys=False) + "\n"
    _atomic_write(Path(path), lambda fh: fh.write(text.encode("utf-8")))


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

def build_block(lo: int, hi: int, width: int, depth: int, config: CityConfig, seed: int,
                preset_name: str, levels_dir: str) -> list[dict]:
    """Generate levels ``[lo, hi)`` with their halo, write their PNGs, return their stats.

    Runs in a worker process; returns only small data.
    """
    return _build_block(lo, hi, width, depth, config, seed, preset_name, levels_dir)[0]


def _build_block(lo: int, hi: int, width: int, depth: int, config: CityConfig, seed: int,
                 preset_name: str, levels_dir: str, export_spec=None,
                 section_factors=None) -> tuple[list[dict], dict | None, object]:
    """:func:`build_block` plus this block's exports (``megagen.export``) when ``export_spec`` is set,
    and its section strip (``megagen.render.overview``) when ``section_factors`` is set."""
    from .api import provenance
    from .generate import generate_box
    from .render import slices
    from .stats import level_stats

    h = config.level_height
    first = max(0, lo - slices.HALO_LEVELS)
    voxels = generate_box(Box(first, hi, width, depth), config, seed)
    n_halo = lo - first
    from . import features

    marks, watched = features.overlay(voxels[n_halo * h:], lo, config, seed)
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
    extra = features.level_stats(voxels[n_halo * h:], lo, config, seed, watched)
    for row, more in zip(rows, extra or ()):
        row.update(more)
    from .render.overview import block_strip

    return rows, exported, block_strip(voxels[n_halo * h:], section_factors)


def _run_block(args: tuple) -> tuple[list[dict], dict | None, object]:
    return _build_block(*args)


# ---------------------------------------------------------------- build

def build(levels: range | int, seed: int = DEFAULT_SEED, size: int | tuple[int, int] = DEFAULT_SIZE,
          preset: str | Preset = DEFAULT_PRESET, out_dir: str | os.PathLike = "output",
          workers: int = 1, force: bool = False, progress: Progress | None = None,
          overrides: tuple[str, ...] = (), exports=(), export_options: dict | None = None) -> dict:
    """Generate ``levels`` and write their floor plans under ``out_dir``; return the manifest.

    ``levels`` is a ``range`` of absolute levels (or ``N`` for ``0..N-1``); ``size`` is
    ``W`` or ``(W, D)``; ``workers=1`` runs inline, more use a process pool.
    ``progress(levels_done, levels_total)`` is called as blocks complete.
    Raises :class:`~megagen.errors.OutputError` before generating anything if
    ``out_dir`` is not empty (unless ``force``) or cannot be written.
    ``exports`` (``"vox,zarr"`` or a list, see :mod:`megagen.export`) are written under
    ``out_dir`` by the workers while the build streams.
    """
    import numpy as np

    started = time.perf_counter()
    levels = as_levels(levels)
    width, depth = as_size(size)
    resolved = as_preset(preset, overrides)
    if int(workers) < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    config = resolved.config
    out = Path(out_dir)
    export_spec = None
    if exports:
        from .export import run as export_run

        export_spec = export_run.make_spec(exports, levels, (width, depth), resolved, seed, out, None,
                                           export_options)
    prepare_out_dir(out, force)
    if export_spec is not None:
        export_run.begin(export_spec)
    levels_dir = out / LEVELS_DIR
    if force:
        for name in OWN_FILES:  # a stale manifest must not vouch for a half-rebuilt dir
            (out / name).unlink(missing_ok=True)

    blocks = plan_blocks(levels.start, levels.stop, config.block_levels)
    from .render import overview

    section = overview.section_canvas(levels, config.level_height, width)
    tasks = [(lo, hi, width, depth, config, int(seed), resolved.name, str(levels_dir), export_spec,
              section.strip_factors) for lo, hi in blocks]
    stats: dict[int, dict] = {}
    done, total = 0, len(levels)

    exported: list[dict] = []

    def collect(result: tuple[list[dict], dict | None, object]) -> None:
        nonlocal done
        block_stats, block_exports, strip = result
        if strip is not None:
            section.paste(block_stats[0]["level"], block_stats[-1]["level"] + 1, strip)
        if block_exports:
            exported.append({**block_exports, "_lo": block_stats[0]["level"]})
        for row in block_stats:
            stats[row["level"]] = row
        done += len(block_stats)
        if progress is not None:
            progress(done, total)

    if workers == 1 or len(tasks) == 1:
        for task in tasks:
            collect(_run_block(task))
    else:
        with ProcessPoolExecutor(max_workers=min(int(workers), len(tasks))) as pool:
            pending = set()
            queue = iter(tasks)
            try:
                # keep at most 2 blocks per worker in flight: bounded memory for results
                for task in queue:
                    pending.add(pool.submit(_run_block, task))
                    if len(pending) >= 2 * workers:
                        break
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        collect(future.result())
                    for task in queue:
                        pending.add(pool.submit(_run_block, task))
                        if len(pending) >= 2 * workers:
                            break
            except BaseException:
                for future in pending:
                    future.cancel()
                pool.shutdown(wait=True, cancel_futures=True)
                raise

    from .render import slices

    write_png(slices.legend_image(), out / LEGEND, {"megagen": __version__, "Software": f"megagen {__version__}"})
    if force:
        keep = {level_filename(level) for level in levels}
        for stale in levels_dir.glob("level_*.png"):
            if stale.name not in keep:
                stale.unlink(missing_ok=True)

    export_summary = export_run.finish(export_spec, exported) if export_spec is not None else None
    drawn = overview.write_overview(out, levels, width, depth, resolved, seed, section, levels_dir, level_filename,
                                    write_png, {"seed": str(seed), "preset": resolved.name, "version": __version__,
                                                "numpy": np.__version__, "Software": f"megagen {__version__}"})
    manifest = {
        "megagen": __version__,
        "seed": int(seed),
        "preset": {"name": resolved.name, "description": resolved.description,
                   "source": resolved.source, "config": as_dict(config)},
        "size": {"width": width, "depth": depth},
        "level_height": config.level_height,
        "levels": {"start": levels.start, "stop": levels.stop, "count": len(levels)},
        "files": {"levels": f"{LEVELS_DIR}/level_{{level:05d}}.png", "legend": LEGEND, **drawn},
        "versions": {"megagen": __version__, "numpy": np.__version__, "python": platform.python_version()},
        "workers": int(workers),
        "wall_seconds": round(time.perf_counter() - started, 3),
        "stats": [stats[level] for level in levels],
    }
    from .features import summary as feature_summary

    features = feature_summary(config, int(seed), levels, depth, width)
    if features:
        manifest["features"] = features
    if export_summary is not None:
        manifest["exports"] = export_summary
    try:  # the viewer page, from the manifest-to-be; the manifest itself still comes last
        from .viewer import write_page

        write_page(out, manifest)
    except Exception as exc:  # noqa: BLE001 - a page bug must not lose a finished build
        manifest["viewer_error"] = f"{type(exc).__name__}: {exc}"
    write_json(manifest, out / MANIFEST)
    return manifest
