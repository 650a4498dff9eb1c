"""Seconds and bytes per export format for one 16-level block at the default footprint.

    python bench/export.py [--levels 0-15] [--size 256] [--zarr-levels 512]

Each exporter runs on one core on an already generated block (generation is timed
apart). Targets: <= 2 s per exporter; the .glb at most 1/10 the triangles of a naive
12-per-exposed-voxel mesh. ``--zarr-levels N`` also builds N levels into zarr with
all cores and reports bytes on disk per voxel.
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from megagen.api import as_preset
from megagen.export import format_names, get
from megagen.export.run import export_region, make_spec
from megagen.generate import generate_box
from megagen.world import Box


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="0-15")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--zarr-levels", type=int, default=0)
    args = parser.parse_args()
    a, b = (int(v) for v in args.levels.split("-"))
    levels = range(a, b + 1)
    preset = as_preset("megastructure")
    t = time.perf_counter()
    voxels = generate_box(Box(levels.start, levels.stop, args.size, args.size), preset.config, args.seed)
    gen = time.perf_counter() - t
    print(f"block: levels {a}-{b}, {args.size}x{args.size}, {voxels.size / 1e6:.1f} M voxels, "
          f"{(voxels > 0).mean():.1%} solid, generated in {gen:.2f} s")
    print(f"{'format':8s} {'seconds':>8s} {'MB':>8s} {'files':>6s}  notes")
    tmp = Path(tempfile.mkdtemp(prefix="megagen-bench-export-"))
    worst = 0.0
    try:
        for name in format_names():
            out = tmp / name
            spec = make_spec(name, levels, (args.size, args.size), preset, args.seed, out)
            module = get(name)
            t = time.perf_counter()
            module.begin(spec)
            info = module.write_block(voxels, levels.start, levels.stop, spec)
            summary = module.finish(spec, [info])
            seconds = time.perf_counter() - t
            worst = max(worst, seconds)
            note = ""
            if name == "glb":
                note = (f"triangles {summary['triangles']:,} vs naive {summary['naive_triangles']:,} "
                        f"= 1/{summary['naive_triangles'] / max(summary['triangles'], 1):.0f}")
            if name == "zarr":
                note = f"{summary['bytes_per_voxel']:.4f} bytes/voxel"
            print(f"{name:8s} {seconds:8.2f} {du(out) / 1e6:8.2f} {summary['files']:6d}  {note}")
        print(f"slowest exporter: {worst:.2f} s (target <= 2 s)")
        if args.zarr_levels:
            t = time.perf_counter()
            s = export_region("zarr", args.zarr_levels, seed=args.seed, size=args.size,
                              out_dir=tmp / "big", workers=os.cpu_count() or 1)
            z = s["formats"]["zarr"]
            n = args.zarr_levels * 8 * args.size * args.size
            print(f"zarr build of {args.zarr_levels} levels ({n / 1e9:.2f} G voxels) in "
                  f"{time.perf_counter() - t:.1f} s: {z['bytes'] / 1e6:.1f} MB, "
                  f"{z['bytes_per_voxel']:.4f} bytes/voxel")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
