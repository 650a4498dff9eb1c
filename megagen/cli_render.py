"""``megagen render iso|section|growth``: parse, generate the levels, call the renderers.

Thin on purpose: numpy, Pillow and the generator load only once arguments are valid.
Errors surface through the ``megagen`` group as one line with exit 2 (bad usage or
config) or 1 (failure).
"""
from __future__ import annotations

import os

import click

from .cli import Window, city_options
from .config import load_preset

VIEWS = ("se", "sw", "nw", "ne")
CUTAWAYS = ("none", "top", "near", "wedge")
MAX_RENDER_LEVELS = 512  # iso and growth hold their levels in memory


_city_options = city_options("renders")


def _view_options(f):
    f = click.option("--edges/--no-edges", default=True, show_default=True, help="Thin lines at depth jumps.")(f)
    f = click.option("--cut", type=int, default=None,
                     help="Cutaway level: top drops levels above it [middle]; near/wedge cut above it [first].")(f)
    f = click.option("--cutaway", type=click.Choice(CUTAWAYS), default="none", show_default=True,
                     help="Remove levels above --cut, the near half, or the near quadrant.")(f)
    f = click.option("--view", type=click.Choice(VIEWS), default="se", show_default=True,
                     help="Which corner of the footprint faces the viewer.")(f)
    f = click.option("--scale", type=click.FloatRange(min=0, min_open=True, max=64), default=1.0,
                     show_default=True, help="Pixels per half voxel width (a voxel is 4*scale px wide).")(f)
    f = click.option("--window", type=Window(), default=None,
                     help="Draw only this part of the footprint [whole footprint].")(f)
    return f


def _check_window(window, size) -> None:
    if window is None:
        return
    x0, y0, w, d = window
    if x0 < 0 or y0 < 0 or w < 1 or d < 1:
        raise click.BadParameter(f"window {x0},{y0},{w},{d}: X0, Y0 must be >= 0 and W, D >= 1",
                                 param_hint="'--window'")
    if x0 + w > size[0] or y0 + d > size[1]:
        raise click.BadParameter(f"window {x0},{y0},{w},{d} is outside the {size[0]}x{size[1]} footprint",
                                 param_hint="'--window'")


def _check_levels(levels) -> None:
    if len(levels) > MAX_RENDER_LEVELS:
        raise click.BadParameter(f"{len(levels)} levels is too many to draw at once (at most "
                                 f"{MAX_RENDER_LEVELS}); use `megagen render section` for long runs",
                                 param_hint="'--levels'")


def _default_out(kind: str, preset: str, seed: int, levels, suffix: str) -> str:
    return os.path.join("output", "render", f"{kind}_{preset}-{seed}_L{levels.start}-{levels.stop - 1}{suffix}")


def _provenance(preset, seed: int, levels, **extra) -> dict[str, str]:
    import numpy as np

    from . import __version__

    meta = {"seed": str(seed), "levels": f"{levels.start}-{levels.stop - 1}", "preset": preset.name,
            "version": __version__, "numpy": np.__version__, "Software": f"megagen {__version__}"}
    meta.update({k: str(v) for k, v in extra.items() if v is not None})
    return meta


def _png_out(out: str) -> str:
    if os.path.splitext(out)[1].lower() != ".png":
        raise click.BadParameter(f"{out!r} must end in .png (the picture is written as PNG)", param_hint="'--out'")
    return out


def _prepare(out: str) -> None:
    parent = os.path.dirname(os.path.abspath(out))
    os.makedirs(parent, exist_ok=True)


@click.group()
def render() -> None:
    """Draw the City: isometric cutaways, a section through every level, the Builders at work."""


@render.command()
@_city_options
@_view_options
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="PNG file [default: output/render/iso_<preset>-<seed>_L<A>-<B>.png].")
def iso(levels, seed, size, origin, preset, overrides, window, scale, view, cutaway, cut, edges, out):
    """An isometric picture of LEVELS, shaded, fogged, optionally cut away."""
    resolved = load_preset(preset, tuple(overrides))
    _check_window(window, size)
    _check_levels(levels)
    out = _png_out(out or _default_out("iso", resolved.name, seed, levels, ".png"))
    from .build import write_png
    from .generate import generate_box
    from .render.iso import render_iso
    from .world import Box

    x0, y0, w, d = window or (0, 0, *size)  # no edge: generate just the window
    voxels = generate_box(Box(levels.start, levels.stop, w, d, x0=origin[0] + x0, y0=origin[1] + y0),
                          resolved.config, seed)
    meta = _provenance(resolved, seed, levels, view=view, cutaway=cutaway, cut=cut, scale=scale,
                       window=",".join(map(str, window)) if window else None)
    image = render_iso(voxels, view=view, scale=scale, cutaway=cutaway, cut=cut, edges=edges,
                       level_height=resolved.config.level_height, first_level=levels.start)
    _prepare(out)
    write_png(image, out, meta)
    click.echo(f"wrote {out} ({image.width}x{image.height})", err=True)


@render.command()
@_city_options
@click.option("--cut-y", type=int, default=None, help="Row of the footprint the section cuts [middle].")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="PNG file [default: output/render/section_<preset>-<seed>_L<A>-<B>.png].")
def section(levels, seed, size, origin, preset, overrides, cut_y, out):
    """A side elevation cut through every one of LEVELS, at most about 8,000 px tall."""
    resolved = load_preset(preset, tuple(overrides))
    if cut_y is not None and not 0 <= cut_y < size[1]:
        raise click.BadParameter(f"{cut_y} is outside the footprint depth {size[1]}", param_hint="'--cut-y'")
    out = _png_out(out or _default_out("section", resolved.name, seed, levels, ".png"))
    from .build import write_png
    from .generate import generate_box
    from .render.section import SectionCanvas, section_strip
    from .world import Box, plan_blocks

    config = resolved.config
    canvas = SectionCanvas(levels.start, levels.stop, config.level_height, size[0])
    fz, fx = canvas.strip_factors
    for lo, hi in plan_blocks(levels.start, levels.stop, config.block_levels):
        voxels = generate_box(Box(lo, hi, *size, x0=origin[0], y0=origin[1]), config, seed)
        canvas.paste(lo, hi, section_strip(voxels, fz, fx, cut_y))
    meta = _provenance(resolved, seed, levels, cut_y=cut_y if cut_y is not None else size[1] // 2)
    image = canvas.image(meta)
    _prepare(out)
    write_png(image, out, {**meta, **{k: v for k, v in image.info.items() if isinstance(v, str)}})
    click.echo(f"wrote {out} ({image.width}x{image.height})", err=True)


@render.command()
@_city_options
@_view_options
@click.option("--substeps", type=click.IntRange(1, 16), default=3, show_default=True,
              help="Frames per builder stage (the change rises level by level).")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Animation file, .gif or .png (APNG) [default: output/render/growth_...gif].")
def growth(levels, seed, size, origin, preset, overrides, window, scale, view, cutaway, cut, edges, substeps, out):
    """An animation of LEVELS growing, builder by builder, isometric."""
    resolved = load_preset(preset, tuple(overrides))
    _check_window(window, size)
    _check_levels(levels)
    out = out or _default_out("growth", resolved.name, seed, levels, ".gif")
    if os.path.splitext(out)[1].lower() not in (".gif", ".png", ".apng"):
        raise click.BadParameter(f"{out!r} must end in .gif or .png", param_hint="'--out'")
    from .render.growth import growth_frames, save_animation
    from .world import Box

    frames = growth_frames(Box(levels.start, levels.stop, *size, x0=origin[0], y0=origin[1]), resolved.config,
                           seed, substeps=substeps,
                           window=window, view=view, scale=scale, cutaway=cutaway, cut=cut, edges=edges)
    _prepare(out)
    save_animation(frames, out, _provenance(resolved, seed, levels, view=view, cutaway=cutaway))
    click.echo(f"wrote {out} ({len(frames)} frames)", err=True)
