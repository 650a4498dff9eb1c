"""The ``megagen`` command: parse, build a config, call the library. No numpy here.

Exit codes: 0 ok, 1 failure, 2 bad usage or bad config, 130 interrupted.
Every error is one line on stderr, ``Error: ...``; never a traceback.
"""
from __future__ import annotations

import json
import os
import sys
import time

import click

from . import __version__
from .config import builtin_presets, load_preset, as_dict
from .errors import ConfigError, MegagenError, OutputError
from .world import MAX_COORD, MAX_LEVEL, MAX_SIZE, MIN_SIZE

DEFAULT_SEED = 1
DEFAULT_SIZE = 256
DEFAULT_PRESET = "megastructure"


class LevelRange(click.ParamType):
    """``N`` -> levels ``0..N-1``; ``A-B`` -> levels ``A..B`` inclusive."""

    name = "N|A-B"

    def convert(self, value, param, ctx):
        if isinstance(value, range):
            return value
        text = str(value).strip()
        try:
            if "-" in text.lstrip("-"):
                a, b = text.split("-", 1)
                start, stop = int(a), int(b) + 1
                if start < 0 or stop <= start:
                    self.fail(f"range {text!r} must be A-B with 0 <= A <= B", param, ctx)
            else:
                start, stop = 0, int(text)
                if stop < 1:
                    self.fail(f"{text!r} must be a level count of at least 1 (or a range A-B)", param, ctx)
        except ValueError:
            self.fail(f"{text!r} is not a level count N or a range A-B", param, ctx)
        if stop > MAX_LEVEL:
            self.fail(f"{text!r} goes above the highest level {MAX_LEVEL - 1}", param, ctx)
        return range(start, stop)


class Footprint(click.ParamType):
    """``W`` -> ``(W, W)``; ``WxD`` -> ``(W, D)``, each side in ``MIN_SIZE..MAX_SIZE``."""

    name = "W|WxD"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        text = str(value).strip().lower()
        parts = text.split("x")
        try:
            if len(parts) not in (1, 2):
                raise ValueError
            width, depth = int(parts[0]), int(parts[-1])
        except ValueError:
            self.fail(f"{value!r} is not a size W or WxD", param, ctx)
        for side in (width, depth):
            if not MIN_SIZE <= side <= MAX_SIZE:
                self.fail(f"{value!r}: each side must be between {MIN_SIZE} and {MAX_SIZE}", param, ctx)
        return width, depth


class Origin(click.ParamType):
    """``X,Y`` -> ``(X, Y)``: the footprint's corner in the unbounded plane."""

    name = "X,Y"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            x, y = (int(v) for v in str(value).split(","))
        except ValueError:
            self.fail(f"{value!r} is not an origin X,Y (two integers)", param, ctx)
        if max(abs(x), abs(y)) > MAX_COORD // 2:
            self.fail(f"{value!r}: coordinates must stay within +-{MAX_COORD // 2}", param, ctx)
        return x, y


class Part(click.ParamType):
    """``I/N`` -> ``(I, N)``: one of N disjoint shares of the blocks."""

    name = "I/N"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            i, n = (int(v) for v in str(value).split("/"))
        except ValueError:
            self.fail(f"{value!r} is not a part I/N, e.g. 2/4", param, ctx)
        if not 1 <= i <= n <= 100_000:
            self.fail(f"{value!r}: need 1 <= I <= N", param, ctx)
        return i, n


class Window(click.ParamType):
    """``X0,Y0,W,D``: a rectangle of the footprint (checked against ``--size`` by the command)."""

    name = "X0,Y0,W,D"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            parts = tuple(int(v) for v in str(value).replace(" ", "").split(","))
            if len(parts) != 4:
                raise ValueError
        except ValueError:
            self.fail(f"{value!r} is not a window X0,Y0,W,D (four integers)", param, ctx)
        return parts


def city_options(verb: str):
    """The options that choose a piece of the City, shared by build, export and render."""
    def decorate(f):
        for option in reversed([
            click.option("--levels", "levels", type=LevelRange(), required=True,
                         help=f"N {verb} levels 0..N-1; A-B {verb} levels A..B inclusive."),
            click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="City seed."),
            click.option("--size", type=Footprint(), default=str(DEFAULT_SIZE), show_default=True,
                         help=f"Footprint W or WxD in voxels ({MIN_SIZE}..{MAX_SIZE} a side)."),
            click.option("--origin", type=Origin(), default="0,0", show_default=True,
                         help="Corner X,Y of the footprint in the City's unbounded plane."),
            click.option("--preset", default=DEFAULT_PRESET, show_default=True,
                         help="Builtin preset name or path to a .toml preset."),
            click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE",
                         help="Override one config value, e.g. --set strata.period=48 (repeatable)."),
        ]):
            f = option(f)
        return f
    return decorate


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a build, with the way to pick it up again."""


class Megagen(click.Group):
    """A group whose errors are one line on stderr with megagen's exit codes."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                              standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) else 0
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
            code = 2
        except click.UsageError as exc:
            _error(exc.format_message())
            code = 2
        except (ConfigError, OutputError) as exc:
            _error(str(exc))
            code = 2
        except MegagenError as exc:
            _error(str(exc))
            code = 1
        except click.Abort as exc:  # click turns KeyboardInterrupt into Abort
            cause = exc.__cause__ or exc.__context__
            _error(str(cause) if isinstance(cause, Interrupted) else "interrupted")
            code = 130
        except KeyboardInterrupt as exc:
            _error(str(exc) if isinstance(exc, Interrupted) else "interrupted")
            code = 130
        except click.ClickException as exc:
            _error(exc.format_message())
            code = exc.exit_code
        except Exception as exc:  # noqa: BLE001 - the CLI's last line of defence
            if os.environ.get("MEGAGEN_DEBUG"):
                raise
            _error(f"{type(exc).__name__}: {exc} (set MEGAGEN_DEBUG=1 for a traceback)")
            code = 1
        if standalone_mode:
            sys.exit(code)
        return code


def _error(message: str) -> None:
    line = " ".join(str(message).split())  # exactly one line
    click.echo(f"Error: {line}", err=True)


@click.group(cls=Megagen, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="megagen")
def cli() -> None:
    """Grow the City of Blame! as voxels and draw it level by level."""


def main(args=None, prog_name="megagen"):
    """Entry point of the ``megagen`` script."""
    return cli.main(args=args, prog_name=prog_name)


class _Bar:
    """A small progress line on stderr: levels done, levels/s, ETA."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        elapsed = max(now - self.t0, 1e-9)
        rate = done / elapsed
        eta = (total - done) / rate if rate > 0 else 0.0
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r[{bar}] {done}/{total} levels  {rate:7.1f} levels/s  ETA {_hms(eta)} ")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _hms(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@cli.command()
@city_options("builds")
@click.option("--out", type=click.Path(file_okay=False, path_type=str), default=None,
              help="Output directory [default: output/<preset>-<seed>/].")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: all cores].")
@click.option("--force", is_flag=True, help="Overwrite a non-empty output directory.")
@click.option("--export", "exports", default=None, metavar="FORMAT[,FORMAT]",
              help="Also write exports while the build streams (see `megagen export --help`).")
@click.option("--resume", is_flag=True, help="Finish an interrupted build in --out.")
@click.option("--part", type=Part(), default=None,
              help="Build only the I-th of N shares of the blocks (parts may run at once into one --out).")
@click.option("--scheduler", default=None, metavar="local|ADDRESS",
              help="Run the blocks on Dask: 'local' starts a LocalCluster of --workers, "
                   "or give a scheduler address (needs megagen[dask]).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no summary.")
def build(levels, seed, size, origin, preset, overrides, out, workers, force, exports, resume, part, scheduler,
          quiet):
    """Generate LEVELS and write one floor-plan PNG per level, a legend and a manifest."""
    resolved = load_preset(preset, tuple(overrides))
    out_dir = out if out is not None else os.path.join("output", f"{resolved.name}-{seed}")
    workers = workers or os.cpu_count() or 1
    show_bar = not quiet and sys.stderr.isatty()
    from .build import build as run_build  # heavy imports only once arguments are valid

    try:
        manifest = run_build(levels, seed=seed, size=size, preset=resolved, out_dir=out_dir,
                             workers=workers, force=force, progress=_Bar() if show_bar else None,
                             exports=exports or (), origin=origin, resume=resume, part=part or (1, 1),
                             scheduler=scheduler, load_stats=False)
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted; the finished blocks are kept in {out_dir}: "
                          f"run the same command with --resume to finish") from None
    if quiet:
        return
    if manifest is None:
        click.echo(f"part {part[0]}/{part[1]} done; the manifest is written when every part is", err=True)
    else:
        n = manifest["levels"]["count"]
        click.echo(f"wrote {n} levels to {out_dir} in {manifest['run']['wall_seconds']:.1f} s", err=True)


@cli.group()
def presets() -> None:
    """List and show the builtin presets."""


@presets.command("list")
def presets_list() -> None:
    """Name and description of every builtin preset."""
    for name in builtin_presets():
        click.echo(f"{name:16s} {load_preset(name).description}")


@presets.command("show")
@click.argument("name")
def presets_show(name: str) -> None:
    """Print the resolved preset NAME (or a .toml path) as JSON."""
    preset = load_preset(name)
    click.echo(json.dumps({"name": preset.name, "description": preset.description, "source": preset.source,
                           "config": as_dict(preset.config)}, indent=2))


from . import cli_export  # noqa: E402,F401  (registers `megagen export`)
from . import cli_view  # noqa: E402,F401  (registers `megagen view`)
from .cli_render import render as _render  # noqa: E402

cli.add_command(_render)
