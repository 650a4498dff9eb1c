"""Benchmark the isometric renderer: a 16-level block, and megagen vs matplotlib on 32^3.

    python bench/render.py [--size 256] [--levels 16] [--repeat 3] [--skip-matplotlib]

Prints seconds and voxels/s for an isometric render (generation excluded, PNG
encoding shown separately), then the same 32^3 volume drawn by megagen and by
matplotlib ``Axes3D.voxels`` (both including PNG encoding) and their ratio.
matplotlib is a bench-only dependency; without it the megagen figures still print.
"""
from __future__ import annotations

import argparse
import io
import time

import numpy as np

from megagen.config import load_preset
from megagen.generate import generate_box
from megagen.materials import INFO
from megagen.render.iso import _pixel_triangles, render_iso
from megagen.world import Box


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def png(image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def matplotlib_png(cube: np.ndarray) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    filled = np.transpose(cube != 0, (2, 1, 0))  # (x, y, z) for matplotlib
    colours = np.zeros(filled.shape + (4,), dtype=float)
    for m, info in INFO.items():
        colours[np.transpose(cube, (2, 1, 0)) == m] = (*[c / 255 for c in info.rgb], 1.0)
    fig = plt.figure(figsize=(6, 6), dpi=100)
    ax = fig.add_subplot(projection="3d")
    ax.voxels(filled, facecolors=colours)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--levels", type=int, default=16)
    parser.add_argument("--start", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-matplotlib", action="store_true")
    args = parser.parse_args()

    config = load_preset("megastructure").config
    t = time.perf_counter()
    vox = generate_box(Box(args.start, args.start + args.levels, args.size, args.size), config, args.seed)
    gen = time.perf_counter() - t
    n = vox.size
    print(f"block: {args.levels} levels x {args.size}x{args.size} = {vox.shape} (z, y, x), {n / 1e6:.1f} M voxels, "
          f"generated in {gen:.2f} s (not counted)")
    for label, opts in [("iso", {}), ("iso --edges", {"edges": True}),
                        ("iso --cutaway wedge --edges", {"edges": True, "cutaway": "wedge"}),
                        ("iso --scale 2", {"scale": 2})]:
        render = lambda: render_iso(vox, first_level=args.start, **opts)  # noqa: E731
        secs = best(lambda: (_pixel_triangles.cache_clear(), render()), args.repeat)  # cold: nothing cached
        warm = best(render, args.repeat)  # the pixel->triangle map reused, as by animation frames
        image = render()
        enc = best(lambda: png(image), args.repeat)
        print(f"  {label:30s} {secs:6.3f} s  {n / secs / 1e6:6.1f} M voxels/s  "
              f"{image.width}x{image.height} px  (+ PNG {enc * 1000:.0f} ms; warm {warm:.3f} s)")

    # the same 32^3 volume for both: the most built-up 32^3 cell of the block
    z, y, x = (s // 32 for s in vox.shape)
    counts = (vox[:z * 32, :y * 32, :x * 32] != 0).reshape(z, 32, y, 32, x, 32).sum(axis=(1, 3, 5))
    cz, cy, cx = np.unravel_index(int(counts.argmax()), counts.shape)
    cube = np.ascontiguousarray(vox[cz * 32:cz * 32 + 32, cy * 32:cy * 32 + 32, cx * 32:cx * 32 + 32])
    solid = int((cube != 0).sum())
    ours = best(lambda: (_pixel_triangles.cache_clear(), png(render_iso(cube, scale=4))), args.repeat)
    ours_warm = best(lambda: png(render_iso(cube, scale=4)), args.repeat)
    print(f"32^3 volume ({solid} solid voxels): megagen iso + PNG {ours * 1000:.1f} ms cold, "
          f"{ours_warm * 1000:.1f} ms warm ({cube.size / ours / 1e6:.1f} M voxels/s cold)")
    if args.skip_matplotlib:
        print("matplotlib skipped")
        return
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("matplotlib not installed: pip install matplotlib to compare with Axes3D.voxels")
        return
    t = time.perf_counter()
    matplotlib_png(cube)
    theirs = time.perf_counter() - t
    print(f"32^3 volume: matplotlib Axes3D.voxels + PNG {theirs:.2f} s ({cube.size / theirs:,.0f} voxels/s)")
    print(f"ratio: megagen is {theirs / ours:,.0f}x faster (cold), {theirs / ours_warm:,.0f}x (warm)")


if __name__ == "__main__":
    main()
