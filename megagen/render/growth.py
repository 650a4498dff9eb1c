"""The Builders at work: an animation of one block growing, stage by stage, isometric.

The generator reports its stages through ``generate_box(..., observer=...)``
(``observer(stage, voxels)`` with uint8 ``(z, y, x)`` voxels after the skeleton, each
builder and the support pass); this module only watches and draws. Between two
stages the change is revealed bottom to top in ``substeps`` frames, so structure
visibly rises level by level, as the Builders would lay it.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from megagen.render.iso import RenderArgumentError, iso_array

FRAME_MS = 140
HOLD_MS = 1600
_INK = (205, 205, 200)


def _label(image, text: str):
    from PIL import ImageDraw

    from megagen.render.images import _font

    ImageDraw.Draw(image).text((8, 6), text, fill=_INK, font=_font())
    return image


def growth_frames(box, config, seed: int, substeps: int = 3, window=None, **iso_options) -> list:
    """Generate ``box`` and return its growth as a list of RGB ``PIL.Image`` frames.

    ``window=(x0, y0, w, d)`` crops the footprint drawn (the whole box is generated);
    ``iso_options`` go to :func:`megagen.render.iso.iso_array` (``level_height`` and
    ``first_level`` are set from the box and config).
    """
    from PIL import Image

    from megagen.generate import generate_box

    if substeps < 1:
        raise RenderArgumentError(f"substeps must be at least 1, got {substeps}")
    h = config.level_height
    options = dict(iso_options, level_height=h, first_level=box.start)
    crop = _window_slices(window, box.width, box.depth)
    frames: list = []
    state = {"prev": None}

    def draw(vox: np.ndarray, text: str) -> None:
        rgb = iso_array(vox[(slice(None),) + crop], **options)
        frames.append(_label(Image.fromarray(rgb, "RGB"), text))

    def observer(stage: str, voxels: np.ndarray) -> None:
        prev = state["prev"]
        if prev is None:
            prev = np.zeros_like(voxels)
        n_levels = voxels.shape[0] // h
        for j in range(1, substeps + 1):
            if j == substeps:
                mixed = voxels
            else:  # the change so far: levels below the rising front show the new state
                front = -(-n_levels * j // substeps) * h
                mixed = prev.copy()
                mixed[:front] = voxels[:front]
            draw(mixed, f"levels {box.start}-{box.stop - 1}  {stage}")
        state["prev"] = voxels.copy()

    generate_box(box, config, seed, observer=observer)
    return frames


def _window_slices(window, width: int, depth: int) -> tuple[slice, slice]:
    if window is None:
        return slice(None), slice(None)
    x0, y0, w, d = (int(v) for v in window)
    if w < 1 or d < 1 or x0 < 0 or y0 < 0 or x0 + w > width or y0 + d > depth:
        raise RenderArgumentError(
            f"window {x0},{y0},{w},{d} is not inside the {width}x{depth} footprint")
    return slice(y0, y0 + d), slice(x0, x0 + w)


def save_animation(frames: list, path: str | os.PathLike, provenance: Mapping[str, str] | None = None,
                   frame_ms: int = FRAME_MS, hold_ms: int = HOLD_MS) -> None:
    """Write ``frames`` as an animated GIF (``.gif``) or APNG (``.png``), atomically.

    The last frame is held for ``hold_ms``; the animation loops.
    """
    from PIL import Image

    from megagen.files import atomic_write as _atomic_write

    if not frames:
        raise RenderArgumentError("no frames to write")
    path = os.fspath(path)
    durations = [frame_ms] * (len(frames) - 1) + [hold_ms]
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".gif":
        quantized = [f.quantize(colors=255, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
                     for f in frames]
        comment = "; ".join(f"{k}={v}" for k, v in (provenance or {}).items())

        def write(fh):
            quantized[0].save(fh, format="GIF", save_all=True, append_images=quantized[1:],
                              duration=durations, loop=0, comment=comment.encode("latin-1", "replace"))
    elif suffix in (".png", ".apng"):
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        for key, value in (provenance or {}).items():
            info.add_text(str(key), str(value))

        def write(fh):
            frames[0].save(fh, format="PNG", save_all=True, append_images=frames[1:], duration=durations,
                           loop=0, pnginfo=info, compress_level=1)
    else:
        raise RenderArgumentError(f"animation file must end in .gif or .png, got {path!r}")
    from pathlib import Path

    _atomic_write(Path(path), write)
