"""Benchmark ``megagen build``: wall time, voxels/s, peak RSS, workers, scaling.

    python bench/build.py            # 600 and 6000 levels at 256x256 (the issue's targets)
    python bench/build.py --quick    # 60 and 600 levels: a quick look

Each build runs as its own ``python -m megagen build`` process, exactly as a user
runs it; its peak RSS is read with ``os.wait4`` (the largest single process of the
tree) and the tree's summed RSS is sampled from /proc. The generation rate is set
against a plain numpy fill of the same number of bytes, measured in the same run,
so the ratio says how far the generator is from writing memory at full speed.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root: int) -> int:
    """Summed RSS in bytes of ``root`` and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
            with open(f"/proc/{entry}/statm") as fh:
                pages = int(fh.read().split()[1])
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * PAGE
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_build(levels: int, size: int, workers: int, level_height: int) -> dict:
    """Run one build in a fresh process; return wall seconds, voxels, RSS figures."""
    with tempfile.TemporaryDirectory(prefix="megagen-bench-") as tmp:
        cmd = [sys.executable, "-m", "megagen", "build", "--levels", str(levels), "--size", str(size),
               "--workers", str(workers), "--out", str(Path(tmp) / "out"), "--quiet"]
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=tmp)
        peak_tree = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak_tree
            while not stop.is_set():
                peak_tree = max(peak_tree, tree_rss(proc.pid))
                stop.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"build failed with exit code {proc.returncode}: {' '.join(cmd)}")
        n_png = len(list((Path(tmp) / "out" / "levels").iterdir()))
        assert n_png == levels, f"expected {levels} PNGs, found {n_png}"
    voxels = levels * level_height * size * size
    return {"levels": levels, "workers": workers, "wall": wall, "voxels": voxels,
            "rate": voxels / wall, "max_rss": usage.ru_maxrss * 1024, "tree_rss": peak_tree}


def numpy_fill_rate(n_bytes: int, chunk: int = 64 << 20) -> float:
    """Bytes/s of ``ndarray.fill`` over ``n_bytes`` in total (a reused 64 MiB buffer)."""
    buf = np.empty(min(chunk, n_bytes), dtype=np.uint8)
    buf.fill(0)  # fault the pages in first
    done, value = 0, 0
    t0 = time.perf_counter()
    while done < n_bytes:
        value = (value + 1) & 0xFF
        step = min(buf.size, n_bytes - done)
        buf[:step].fill(value)
        done += step
    return n_bytes / (time.perf_counter() - t0)


def show(label: str, r: dict) -> None:
    print(f"{label:34s} {r['wall']:8.2f} s  {r['rate'] / 1e6:8.1f} M voxels/s  "
          f"peak RSS {r['max_rss'] / 2**20:7.1f} MiB (largest process), "
          f"{r['tree_rss'] / 2**20:7.1f} MiB (all processes)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10x fewer levels (60 and 600)")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="workers for the scaling runs")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from megagen import __version__
    from megagen.config import load_preset

    h = load_preset("megastructure").config.level_height
    small, large = (60, 600) if args.quick else (600, 6000)
    print(f"megagen {__version__}, numpy {np.__version__}, {os.cpu_count()} cores, "
          f"size {args.size}x{args.size}, level height {h}", flush=True)

    one = run_build(small, args.size, 1, h)
    show(f"--levels {small} --workers 1", one)
    two = run_build(small, args.size, 2, h)
    show(f"--levels {small} --workers 2", two)
    base = two if args.workers == 2 else run_build(small, args.size, args.workers, h)
    if args.workers != 2:
        show(f"--levels {small} --workers {args.workers}", base)
    big = run_build(large, args.size, args.workers, h)
    show(f"--levels {large} --workers {args.workers}", big)

    fill = numpy_fill_rate(big["voxels"])
    print(f"{'numpy fill, same bytes':34s} {big['voxels'] / fill:8.2f} s  {fill / 1e6:8.1f} M bytes/s")
    print()
    print(f"speed-up, 2 workers vs 1 ({small} levels):  {one['wall'] / two['wall']:.2f}x")
    print(f"time({large}) / time({small}):               {big['wall'] / base['wall']:.2f}  (target 8.5-11.5)")
    print(f"generation / numpy fill throughput:     {big['rate'] / fill:.5f}  "
          f"(1 / {fill / big['rate']:.0f})")
    if not args.quick:
        ok_time = big["wall"] <= 60
        ok_rss = big["tree_rss"] <= 2**30
        print(f"targets: 6000 levels <= 60 s: {'ok' if ok_time else 'MISSED'}; "
              f"peak RSS <= 1 GiB: {'ok' if ok_rss else 'MISSED'}")


if __name__ == "__main__":
    main()
