"""Micro-benchmark: ms per 256x256 level floor plan, against a plain palette lookup.

Builds a synthetic City-like volume (slabs with holes and a chasm, walls with
doorways, pillars, stairs, lights), renders it with ``render_levels`` and reports the
median ms per level over the rendered levels, next to ``np.take(palette_lut, indices)``
over the same pixels, and the ratio. Also times PNG encoding of one level.

    python bench/render_slices.py [--levels 64] [--size 256] [--height 8] [--out DIR]
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from megagen.materials import Material as M
from megagen.render import HALO_LEVELS, palette_rgb, png_bytes, render_levels


def synthetic_volume(n_levels: int, size: int, H: int, seed: int = 0) -> np.ndarray:
    """A ``(n_levels * H, size, size)`` uint8 ``(z, y, x)`` test city, built by slicing."""
    rng = np.random.default_rng(seed)
    v = np.zeros((n_levels * H, size, size), dtype=np.uint8)
    yy, xx = np.mgrid[0:size, 0:size]
    chasm = (yy - size * 0.6) ** 2 + (xx - size * 0.35) ** 2 < (size * 0.18) ** 2
    for L in range(n_levels):
        z0 = L * H
        v[z0] = M.SLAB
        v[z0][chasm] = 0  # a chasm through every level
        for _ in range(4):  # holes of varying size
            y, x = rng.integers(0, size - 40, 2)
            hh, ww = rng.integers(6, 40, 2)
            v[z0, y:y + hh, x:x + ww] = 0
        step = int(rng.integers(24, 48))
        off = int(rng.integers(0, step))
        for x in range(off, size, step):  # walls with doorways
            v[z0 + 1:z0 + H, :, x:x + 2] = M.WALL
            for y in rng.integers(0, size - 6, 3):
                v[z0 + 1:z0 + H - 2, y:y + 5, x:x + 2] = 0
        for y in range(off // 2, size, step * 2):
            v[z0 + 1:z0 + H, y:y + 2, :] = M.WALL
            for x in rng.integers(0, size - 6, 3):
                v[z0 + 1:z0 + H - 2, y:y + 2, x:x + 5] = 0
        v[z0:z0 + H][:, chasm] = 0  # the chasm cuts walls too
        for x, y in rng.integers(4, size - 8, (6, 2)):  # pillars
            v[z0:z0 + H, y:y + 4, x:x + 4] = M.PILLAR
        y, x = rng.integers(8, size - 24, 2)  # a stair going up through a hole
        for s in range(H):
            v[z0 + s, y:y + 6, x + 2 * s:x + 2 * s + 2] = M.STAIR
        y, x = rng.integers(8, size - 24, 2)  # a machine block and a light on it
        v[z0 + 1:z0 + 4, y:y + 10, x:x + 14] = M.MACHINE
        v[z0 + 4, y + 4:y + 6, x + 6:x + 8] = M.LIGHT
        v[z0 + 1, y + 12:y + 14, x:x + 40] = M.CONDUIT
    return v


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", type=int, default=64)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--height", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=None, help="also write a few level PNGs here")
    args = ap.parse_args()

    H, n = args.height, args.levels
    vox = synthetic_volume(n + HALO_LEVELS, args.size, H)
    first = 100 + HALO_LEVELS

    per_level = []
    for _ in range(args.repeat):  # block-wise, as a build does it
        t0 = time.perf_counter()
        idx = render_levels(vox, first, HALO_LEVELS, H)
        per_level.append((time.perf_counter() - t0) / n)
    # Also per single level (block of 1 + halo): the worst case for amortising the halo.
    single = []
    for j in range(n):
        sub = vox[j * H:(j + 1 + HALO_LEVELS) * H]
        t0 = time.perf_counter()
        render_levels(sub, first + j, HALO_LEVELS, H)
        single.append(time.perf_counter() - t0)

    lut = palette_rgb()
    base = []
    for j in range(n):
        t0 = time.perf_counter()
        np.take(lut, idx[j], axis=0)
        base.append(time.perf_counter() - t0)
    enc = []
    for j in range(min(n, 16)):
        t0 = time.perf_counter()
        png_bytes(idx[j], {"megagen:level": str(first + j)})
        enc.append(time.perf_counter() - t0)

    ms = statistics.median(per_level) * 1e3
    ms_single = statistics.median(single) * 1e3
    ms_base = statistics.median(base) * 1e3
    print(f"levels {n}  size {args.size}x{args.size}  H {H}  halo {HALO_LEVELS}")
    print(f"render_levels, block of {n}: {ms:.3f} ms/level (median of {args.repeat} runs)")
    print(f"render_levels, 1 level + halo: {ms_single:.3f} ms/level (median of {n})")
    print(f"baseline np.take(palette_lut, indices): {ms_base:.3f} ms/level")
    print(f"ratio render/baseline: {ms / ms_base:.1f}x (block), {ms_single / ms_base:.1f}x (single)")
    print(f"png_bytes (zlib 1): {statistics.median(enc) * 1e3:.3f} ms/level")
    if args.out:
        from megagen.render import contact_sheet, legend_image, to_image

        args.out.mkdir(parents=True, exist_ok=True)
        ims = [to_image(idx[j]) for j in range(min(n, 8))]
        for j, im in enumerate(ims):
            (args.out / f"level_{first + j:05d}.png").write_bytes(png_bytes(im, {}))
        contact_sheet(ims, [f"level {first + j}" for j in range(len(ims))], 4).save(
            args.out / "sheet.png"
        )
        legend_image().save(args.out / "legend.png")


if __name__ == "__main__":
    main()
