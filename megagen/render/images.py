"""Pillow side of the slices: paletted images, PNG bytes with provenance, legend, sheets.

Image row = y, column = x (a ``(y, x)`` plane of a ``(z, y, x)`` volume, as is).
"""
from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from megagen import materials
from megagen.render.palette import (
    SHADE_NAMES,
    SHADES,
    VOID_INDEX,
    palette,
    palette_rgb,
    shade_index,
)

PNG_COMPRESS_LEVEL = 1


def to_image(indices_2d: np.ndarray, provenance: Mapping[str, str] | None = None) -> Image.Image:
    """A mode "P" image of ``(y, x)`` uint8 palette indices; provenance goes to ``image.info``."""
    a = np.ascontiguousarray(indices_2d, dtype=np.uint8)
    if a.ndim != 2:
        raise ValueError(f"indices must be 2-D (y, x), got shape {a.shape}")
    image = Image.frombuffer("L", (a.shape[1], a.shape[0]), a.tobytes(), "raw", "L", 0, 1)
    image.putpalette(palette())  # "L" -> "P"
    for key, value in (provenance or {}).items():
        image.info[str(key)] = str(value)
    return image


def _text_chunks(image: Image.Image, provenance: Mapping[str, str] | None) -> PngInfo:
    text: dict[str, str] = {
        k: v for k, v in image.info.items() if isinstance(k, str) and isinstance(v, str)
    }
    text.update({str(k): str(v) for k, v in (provenance or {}).items()})
    info = PngInfo()
    for key, value in text.items():
        if not 1 <= len(key) <= 79 or not key.isprintable():
            raise ValueError(f"PNG text key must be 1-79 printable characters: {key!r}")
        info.add_text(key, value)  # tEXt if Latin-1, else iTXt
    return info


def png_bytes(
    image_or_indices: Image.Image | np.ndarray, provenance: Mapping[str, str] | None = None
) -> bytes:
    """Encode a slice as PNG (zlib level 1) with provenance in text chunks.

    Accepts a PIL image or ``(y, x)`` uint8 palette indices. Keys of ``provenance``
    (e.g. ``megagen:seed``) override string entries of ``image.info``.
    """
    image = image_or_indices
    if not isinstance(image, Image.Image):
        image = to_image(np.asarray(image_or_indices))
    buf = io.BytesIO()
    image.save(
        buf, format="PNG", compress_level=PNG_COMPRESS_LEVEL, pnginfo=_text_chunks(image, provenance)
    )
    return buf.getvalue()


def _font() -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default_imagefont()  # the bitmap font, Pillow >= 10.1
    except AttributeError:  # pragma: no cover - older Pillow
        return ImageFont.load_default()


_INK = (205, 205, 200)
_PAPER = (14, 15, 18)


def legend_image() -> Image.Image:
    """Every material of the table at every shade, with names, plus the void (RGB)."""
    font = _font()
    rgb = palette_rgb()
    rows = [m for m in materials.Material if m != materials.Material.AIR]
    sw, sh, pad, name_w = 22, 14, 6, 96
    shades = list(range(SHADES - 1, -1, -1))  # tall first, deepest last
    head_h = 12 * len(shades) + pad
    header_w = max(
        c * (sw + 2) + font.getlength(f"{shade} {SHADE_NAMES[shade]}") for c, shade in enumerate(shades)
    )
    width = pad + name_w + int(max(len(shades) * (sw + 2), header_w)) + pad
    height = head_h + pad + (len(rows) + 2) * (sh + 3) + pad
    image = Image.new("RGB", (width, height), _PAPER)
    draw = ImageDraw.Draw(image)
    x0 = pad + name_w
    # Column headers, staggered so long shade names fit.
    for c, shade in enumerate(shades):
        x = x0 + c * (sw + 2)
        y = pad + 12 * c
        draw.text((x, y), f"{shade} {SHADE_NAMES[shade]}", fill=_INK, font=font)
        draw.line([(x + sw // 2, y + 11), (x + sw // 2, head_h)], fill=(60, 62, 66))
    y = head_h + pad
    for m in rows:
        draw.text((pad, y + 2), f"{int(m):2d} {materials.name(m)}", fill=_INK, font=font)
        for c, shade in enumerate(shades):
            x = x0 + c * (sw + 2)
            colour = tuple(int(v) for v in rgb[shade_index(m, shade)])
            draw.rectangle([x, y, x + sw - 1, y + sh - 1], fill=colour)
        y += sh + 3
    y += sh + 3
    draw.text((pad, y + 2), " 0 deep void", fill=_INK, font=font)
    colour = tuple(int(v) for v in rgb[VOID_INDEX])
    draw.rectangle([x0, y, x0 + sw - 1, y + sh - 1], fill=colour, outline=(40, 42, 46))
    draw.text((x0 + sw + 6, y + 2), "nothing within the halo", fill=_INK, font=font)
    return image


def contact_sheet(
    images: Sequence[Image.Image], labels: Sequence[str] | None = None, columns: int = 4
) -> Image.Image:
    """Tile images (any mode) in a grid of ``columns``, each with a label below (RGB)."""
    if not images:
        raise ValueError("contact_sheet needs at least one image")
    if columns < 1:
        raise ValueError(f"columns must be >= 1, got {columns}")
    labels = list(labels) if labels is not None else [""] * len(images)
    if len(labels) != len(images):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    font = _font()
    cw = max(im.width for im in images)
    ch = max(im.height for im in images)
    pad, label_h = 4, 12
    cols = min(columns, len(images))
    rows = -(-len(images) // cols)
    sheet = Image.new("RGB", (cols * (cw + pad) + pad, rows * (ch + label_h + pad) + pad), _PAPER)
    draw = ImageDraw.Draw(sheet)
    for i, (im, label) in enumerate(zip(images, labels)):
        r, c = divmod(i, cols)
        x = pad + c * (cw + pad)
        y = pad + r * (ch + label_h + pad)
        sheet.paste(im.convert("RGB"), (x, y))
        draw.text((x, y + ch + 1), str(label), fill=_INK, font=font)
    return sheet
