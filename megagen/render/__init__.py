"""Rendering: level floor-plan slices as paletted PNGs, a legend, contact sheets.

Volumes are ``uint8`` material codes in ``(z, y, x)`` order, z up.
"""
from megagen.render.images import contact_sheet, legend_image, png_bytes, to_image
from megagen.render.palette import SHADES, VOID_INDEX, palette, palette_rgb, shade_index
from megagen.render.slices import HALO_LEVELS, render_levels

__all__ = [
    "HALO_LEVELS",
    "SHADES",
    "VOID_INDEX",
    "contact_sheet",
    "legend_image",
    "palette",
    "palette_rgb",
    "png_bytes",
    "render_levels",
    "shade_index",
    "to_image",
]
