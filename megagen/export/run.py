"""Drive exports: a spec shared by every format, and the block loop.

:func:`export_region` is the library behind ``megagen export``; ``megagen build
--export`` uses :func:`make_spec`, :func:`begin`, :func:`write_block` and
:func:`finish` from its own workers. Each worker writes its own files and returns
small dicts; only index files are written by the parent.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .. import __version__
from ..errors import ConfigError, OutputError
from ..executors import run_tasks
from . import get, parse_formats


@dataclass(frozen=True)
class ExportSpec:
    """Everything a format needs to place a block in the world (small and picklable).

    The export covers levels ``[level_start, level_stop)`` over the window
    ``x in [x0, x0 + width)``, ``y in [y0, y0 + depth)`` of a ``size`` footprint.
    World voxel coordinates are absolute: ``z = level * level_height``.
    """

    formats: tuple[str, ...]
    out_dir: str
    level_start: int
    level_stop: int
    x0: int
    y0: int
    width: int
    depth: int
    size: tuple[int, int]
    level_height: int
    block_levels: int
    seed: int
    preset: str
    provenance: dict[str, Any] = field(hash=False, compare=False)
    origin: tuple[int, int] = (0, 0)  # absolute corner of the footprint the window is cut from
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def z0(self) -> int:
        return self.level_start * self.level_height

    def path(self, *parts: str) -> Path:
        return Path(self.out_dir, *parts)


def as_window(window, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """``None`` -> the whole footprint; else ``(x0, y0, w, d)`` checked to lie inside ``size``."""
    width, depth = size
    if window is None:
        return 0, 0, width, depth
    try:
        x0, y0, w, d = (int(v) for v in window)
    except (TypeError, ValueError):
        raise ConfigError(f"window {window!r} must be X0,Y0,W,D") from None
    if w < 1 or d < 1 or x0 < 0 or y0 < 0 or x0 + w > width or y0 + d > depth:
        raise ConfigError(f"window {x0},{y0},{w},{d} lies outside the {width}x{depth} city "
                          f"(need 0 <= X0, X0+W <= {width}, 0 <= Y0, Y0+D <= {depth}, W, D >= 1)")
    return x0, y0, w, d


def make_spec(formats, levels: range, size: tuple[int, int], preset, seed: int, out_dir,
              window=None, options: dict | None = None, origin: tuple[int, int] = (0, 0)) -> ExportSpec:
    """Validate formats, window and options for ``preset`` (a :class:`~megagen.config.Preset`).

    ``window`` is relative to the footprint, whose corner is at absolute ``origin``;
    the spec's ``x0, y0`` are absolute world coordinates."""
    import numpy as np

    from ..config import as_dict

    names = parse_formats(formats)
    x0, y0, w, d = as_window(window, size)
    config = preset.config
    provenance = {"seed": int(seed), "preset": preset.name, "preset_source": preset.source,
                  "config": as_dict(config), "megagen": __version__, "numpy": np.__version__}
    ox, oy = (int(v) for v in origin)
    options = dict(options or {})
    if config.export.schem_blocks and "block_map" not in options:  # the preset's table, unless overridden
        options["block_map"] = dict(config.export.schem_blocks)
    spec = ExportSpec(formats=names, out_dir=str(out_dir), level_start=levels.start, level_stop=levels.stop,
                      x0=ox + x0, y0=oy + y0, width=w, depth=d, size=tuple(size), level_height=config.level_height,
                      block_levels=config.block_levels, seed=int(seed), preset=preset.name,
                      provenance=provenance, options=options, origin=(ox, oy))
    for name in names:
        get(name).check(spec)
    return spec


def begin(spec: ExportSpec) -> None:
    for name in spec.formats:
        get(name).begin(spec)


def write_block(voxels, lo: int, hi: int, spec: ExportSpec, full_footprint: bool = True) -> dict[str, Any]:
    """Write levels ``[lo, hi)`` of every format; ``voxels`` ``(z, y, x)`` uint8.

    With ``full_footprint`` the volume spans the whole city footprint and is cut to
    the window here; otherwise it is already the window. Levels outside the export
    range are ignored. Returns ``{format: info}`` (small).
    """
    lo2, hi2 = max(lo, spec.level_start), min(hi, spec.level_stop)
    if lo2 >= hi2:
        return {}
    h = spec.level_height
    part = voxels[(lo2 - lo) * h:(hi2 - lo) * h]
    if full_footprint:
        y, x = spec.y0 - spec.origin[1], spec.x0 - spec.origin[0]
        part = part[:, y:y + spec.depth, x:x + spec.width]
    return {name: get(name).write_block(part, lo2, hi2, spec) for name in spec.formats}


def finish(spec: ExportSpec, results: list[dict[str, Any]]) -> dict[str, Any]:
    """Let every format write its index from the per-block infos; returns ``{format: summary}``."""
    ordered = sorted((r for r in results if r), key=lambda r: r["_lo"]) if results and "_lo" in results[0] else results
    summary = {}
    for name in spec.formats:
        infos = [r[name] for r in ordered if r and name in r]
        summary[name] = get(name).finish(spec, infos)
    return summary


def _export_block(lo: int, hi: int, config, spec: ExportSpec) -> dict[str, Any]:
    from ..generate import generate_box
    from ..world import Box

    # the City has no edge: generate just the window (it equals the cut of any larger build)
    voxels = generate_box(Box(lo, hi, spec.width, spec.depth, x0=spec.x0, y0=spec.y0), config, spec.seed)
    out = write_block(voxels, lo, hi, spec, full_footprint=False)
    out["_lo"], out["_levels"] = lo, hi - lo
    return out


def _run(args: tuple) -> dict[str, Any]:
    return _export_block(*args)


def export_region(formats, levels: range | int, seed: int = 1, size: int | tuple[int, int] = 256,
                  preset="megastructure", out_dir: str | os.PathLike = "output/export", window=None,
                  workers: int = 1, force: bool = False, options: dict | None = None,
                  overrides: tuple[str, ...] = (), progress: Callable[[int, int], None] | None = None,
                  origin: tuple[int, int] = (0, 0)) -> dict:
    """Export ``levels`` of the city in ``formats`` (``"vox,glb"`` or a list) under ``out_dir``.

    ``window`` ``(x0, y0, w, d)`` cuts a rectangle of the ``size`` footprint, whose
    corner is at absolute ``origin`` in the unbounded plane. Blocks
    are generated one at a time per worker and written as they come: memory is one
    block per worker. ``options``: ``voxel_size`` (glb, metres per voxel, default 1),
    ``block_map`` (schem, ``{material name: "minecraft:block"}``), ``band_levels``
    (schem, levels per band). Returns a summary dict (files written per format).
    Raises :class:`~megagen.errors.ConfigError` for an unknown format, a window
    outside the city or a region a format cannot hold, before generating anything.
    """
    from ..api import as_levels, as_preset, as_size
    from ..world import plan_blocks

    started = time.perf_counter()
    levels = as_levels(levels)
    size = as_size(size)
    resolved = as_preset(preset, overrides)
    spec = make_spec(formats, levels, size, resolved, seed, out_dir, window, options, origin=origin)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputError(f"output {out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputError(f"output directory {out} is not empty (use --force to overwrite)")
    out.mkdir(parents=True, exist_ok=True)
    begin(spec)
    config = resolved.config
    tasks = [(lo, hi, config, spec) for lo, hi in plan_blocks(levels.start, levels.stop, config.block_levels)]
    results: list[dict] = []
    done = 0

    def collect(result: dict) -> None:  # progress in levels, like build
        nonlocal done
        results.append(result)
        done += result.pop("_levels")
        if progress is not None:
            progress(done, len(levels))

    for result in run_tasks(_run, tasks, int(workers)):
        collect(result)
    summary = finish(spec, results)
    return {"formats": summary, "out_dir": str(out), "levels": [levels.start, levels.stop],
            "window": [spec.x0, spec.y0, spec.width, spec.depth],
            "wall_seconds": round(time.perf_counter() - started, 3)}
