"""What ``megagen build`` draws besides the level PNGs: section, isometric cutaways, contact sheet.

- ``section.png``: pasted strip by strip as blocks finish (workers return a strip made
  by :func:`megagen.render.section.section_strip`, a few hundred kilobytes at most);
  no second generation pass.
- ``iso/iso_L<A>-<B>.png``: wedge cutaways of a few evenly spaced runs of levels
  (bottom, middle, top), each regenerated alone (a short run costs what it holds)
  by :func:`write_iso_run`, which the build runs on its workers beside the blocks;
  footprints wider than ``ISO_WINDOW`` are drawn through a central window.
- ``contact_sheet.png``: evenly spaced level floor plans read back from ``levels/``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from megagen.render.section import SectionCanvas

SECTION = "section.png"
ISO_DIR = "iso"
CONTACT_SHEET = "contact_sheet.png"
ISO_LEVELS = 16      # levels per isometric cutaway
ISO_RUNS = 3         # bottom, middle, top
ISO_WINDOW = 384     # widest footprint side drawn in an isometric cutaway
SHEET_LEVELS = 16
THUMB = 256


def iso_runs(levels: range, n: int = ISO_LEVELS, runs: int = ISO_RUNS) -> list[range]:
    """Up to ``runs`` evenly spaced runs of ``n`` levels (fewer if the build is short), bottom first."""
    n = min(n, len(levels))
    last = levels.stop - n
    starts = sorted({levels.start + round(i * (last - levels.start) / max(runs - 1, 1)) for i in range(runs)})
    return [range(s, s + n) for s in starts]


def sample_levels(levels: range, count: int = SHEET_LEVELS) -> list[int]:
    if len(levels) <= count:
        return list(levels)
    return sorted({levels.start + round(i * (len(levels) - 1) / (count - 1)) for i in range(count)})


def window(width: int, depth: int, side: int = ISO_WINDOW) -> tuple[slice, slice]:
    """Central ``(y, x)`` slices of at most ``side`` per side."""
    w, d = min(width, side), min(depth, side)
    x0, y0 = (width - w) // 2, (depth - d) // 2
    return slice(y0, y0 + d), slice(x0, x0 + w)


def iso_name(run: range) -> str:
    return f"{ISO_DIR}/iso_L{run.start:05d}-{run.stop - 1:05d}.png"


def write_iso_run(out: Path, run: range, width: int, depth: int, config, seed: int, write_png,
                  provenance: dict[str, str], origin: tuple[int, int] = (0, 0)) -> str:
    """Generate ``run`` alone, draw its wedge cutaway, write it; returns its file name."""
    from megagen.generate import generate_box
    from megagen.render.iso import render_iso
    from megagen.world import Box

    ys, xs = window(width, depth)
    box = Box(run.start, run.stop, xs.stop - xs.start, ys.stop - ys.start,
              x0=origin[0] + xs.start, y0=origin[1] + ys.start)  # no edge: just the window
    voxels = generate_box(box, config, int(seed))
    image = render_iso(voxels, cutaway="wedge" if len(run) > 1 else "none", edges=True,
                       level_height=config.level_height, first_level=run.start)
    name = iso_name(run)
    (Path(out) / ISO_DIR).mkdir(exist_ok=True)
    write_png(image, Path(out) / name, {**provenance, "levels": f"{run.start}-{run.stop - 1}",
                                        "cutaway": "wedge", "view": "se"})
    return name


def write_overview(out: Path, levels: range, width: int, depth: int, preset, seed: int,
                   canvas: SectionCanvas | None, levels_dir: Path, level_filename, write_png,
                   provenance: dict[str, str], origin: tuple[int, int] = (0, 0), iso_done: bool = False) -> dict:
    """Write the section (from ``canvas``), the isometric cutaways (unless ``iso_done``:
    the build's workers drew them) and the contact sheet.

    Returns the manifest's ``files`` entries for them.
    """
    from PIL import Image

    from megagen.render.images import contact_sheet

    out = Path(out)
    files: dict = {}
    if canvas is not None:
        image = canvas.image()
        meta = {**provenance, "levels": f"{levels.start}-{levels.stop - 1}",
                **{k: v for k, v in image.info.items() if isinstance(v, str)}}
        write_png(image, out / SECTION, meta)
        files["section"] = SECTION

    runs = iso_runs(levels)
    if iso_done and not all((out / iso_name(run)).is_file() for run in runs):
        iso_done = False  # a part that drew them died before they were written
    files["iso"] = [iso_name(run) if iso_done else
                    write_iso_run(out, run, width, depth, preset.config, seed, write_png, provenance, origin)
                    for run in runs]

    thumbs, labels = [], []
    for level in sample_levels(levels):
        path = Path(levels_dir) / level_filename(level)
        if not path.exists():
            continue
        with Image.open(path) as im:
            im = im.convert("RGB")
            if max(im.size) > THUMB:
                im.thumbnail((THUMB, THUMB), Image.Resampling.BOX)
            thumbs.append(im)
        labels.append(f"level {level}")
    if thumbs:
        write_png(contact_sheet(thumbs, labels, columns=4), out / CONTACT_SHEET,
                  {**provenance, "levels": ",".join(label.split()[1] for label in labels)})
        files["contact_sheet"] = CONTACT_SHEET
    return files


def section_canvas(levels: range, level_height: int, width: int) -> SectionCanvas:
    return SectionCanvas(levels.start, levels.stop, level_height, width)


def block_strip(core: np.ndarray, factors: tuple[int, int] | None):
    """The section strip of one block's own levels (uint8 ``(z, y, x)``), or None."""
    if factors is None:
        return None
    from megagen.render.section import section_strip

    return section_strip(core, *factors)
