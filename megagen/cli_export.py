"""``megagen export FORMAT --levels A-B [--window X0,Y0,W,D] --out DIR``: the City in other tools.

Registered on the ``megagen`` group by one import at the end of :mod:`megagen.cli`;
reuses its option types. No numpy here: the exporters load only once arguments parse.
"""
from __future__ import annotations

import json
import os
import sys

import click

from .cli import Window, _Bar, cli, city_options
from .errors import ConfigError
from .export import FORMATS


def _read_block_map(path: str | None) -> dict | None:
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        if path.endswith(".toml"):
            import tomllib
            data = tomllib.loads(raw.decode("utf-8"))
        else:
            data = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"--block-map {path}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"--block-map {path}: expected a table of material = \"minecraft:block\"")
    return data.get("blocks", data) if isinstance(data.get("blocks"), dict) else data


def export_options(voxel_size: float | None, block_map: str | None, band_levels: int | None) -> dict:
    options: dict = {}
    if voxel_size is not None:
        options["voxel_size"] = voxel_size
    if block_map is not None:
        options["block_map"] = _read_block_map(block_map)
    if band_levels is not None:
        options["band_levels"] = band_levels
    return options


_HELP = "; ".join(f"{name}: {desc}" + (f" [needs megagen[{extra}]]" if extra else "")
                  for name, (_, desc, extra) in FORMATS.items())


@cli.command(help=f"Export LEVELS of the City as FORMAT (comma-separated list): {_HELP}.")
@click.argument("formats", metavar="FORMAT[,FORMAT]")
@city_options("exports")
@click.option("--window", type=Window(), default=None,
              help="Export only the rectangle X0,Y0,W,D of the footprint [default: all of it].")
@click.option("--out", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Output directory [default: output/<preset>-<seed>-export/].")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes [default: all cores].")
@click.option("--force", is_flag=True, help="Write into a non-empty output directory.")
@click.option("--voxel-size", type=click.FloatRange(min=0, min_open=True), default=None,
              help="glb: metres per voxel [default: 1].")
@click.option("--block-map", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="schem: JSON or TOML table material = \"minecraft:block\" overriding the defaults.")
@click.option("--band-levels", type=int, default=None,
              help="schem: levels per band [default: as many as fit 384 blocks].")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no summary.")
def export(formats, levels, seed, size, origin, preset, overrides, window, out, workers, force, voxel_size,
           block_map, band_levels, quiet):
    from .config import load_preset
    from .export import parse_formats

    names = parse_formats(formats)
    resolved = load_preset(preset, tuple(overrides))
    out_dir = out if out is not None else os.path.join("output", f"{resolved.name}-{seed}-export")
    from .export.run import export_region  # heavy imports only once arguments are valid

    summary = export_region(names, levels, seed=seed, size=size, preset=resolved, out_dir=out_dir,
                            window=window, origin=origin, workers=workers or os.cpu_count() or 1, force=force,
                            options=export_options(voxel_size, block_map, band_levels),
                            progress=_Bar() if not quiet and sys.stderr.isatty() else None)
    if not quiet:
        parts = ", ".join(f"{name} {info.get('files', 0)} files {info.get('bytes', 0) / 1e6:.1f} MB"
                          for name, info in summary["formats"].items())
        click.echo(f"exported levels {levels.start}-{levels.stop - 1} to {out_dir} in "
                   f"{summary['wall_seconds']:.1f} s: {parts}", err=True)
