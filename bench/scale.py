"""Benchmark scaling (issue 6): workers, Dask, memory over long ranges, a wide footprint.

    python bench/scale.py            # the issue's figures (60,000 levels take several minutes)
    python bench/scale.py --quick    # the same shape, scaled down (about two minutes)
    python bench/scale.py --only throughput|memory|footprint

Prints figures; it is not a test. Three parts:

* **throughput** -- the same range at 256 x 256 built by the library with 1 and 2
  pool workers and on a 2-worker Dask LocalCluster. The rate is the steady one,
  from the end of the first wave of blocks (one per worker) to the last
  finished block (so pool start-up, cluster start-up
  and the overview/manifest at the end do not count); the wall time of the whole
  call is printed too. Dask's per-block overhead is the extra worker time per block
  against the pool: ``(T_dask - T_pool) * workers / blocks``.
* **memory** -- ``megagen build`` runs as a user runs it (2 pool workers); every
  process of its tree is polled for its kernel peak RSS (``VmHWM`` in
  ``/proc/PID/status``, exact whenever the process is seen at least once before it
  exits), reported for the parent and for each worker.
* **footprint** -- a 1024 x 1024 build: seconds and voxels/s.

Targets (issue 6): 2 workers >= 1.7x of 1; Dask within 15% of the pool; peak memory
at 60,000 levels within 10% of that at 600.
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


# ---------------------------------------------------------------- process tree memory

def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            out.setdefault(ppid, []).append(int(entry))
    return out


def _status(pid: int) -> tuple[int, str] | None:
    """(peak RSS in bytes, short command line) of ``pid``, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            hwm = next((int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM:")), 0)
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmd = fh.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None
    return hwm, cmd


class TreePeaks:
    """Poll the process tree under ``root`` for each process's peak RSS (VmHWM)."""

    def __init__(self, root: int, every: float = 0.1):
        self.root, self.every = root, every
        self.peaks: dict[int, tuple[int, str, int]] = {}  # pid -> (peak bytes, cmd, depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.every)

    def sample(self) -> None:
        children = _children()
        stack = [(self.root, 0)]
        while stack:
            pid, depth = stack.pop()
            seen = _status(pid)
            if seen is not None:
                old = self.peaks.get(pid, (0, "", depth))
                self.peaks[pid] = (max(old[0], seen[0]), seen[1] or old[1], depth)
            stack.extend((child, depth + 1) for child in children.get(pid, []))

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        parent = self.peaks.get(self.root, (0, "", 0))[0]
        workers = sorted(((peak, cmd) for pid, (peak, cmd, depth) in self.peaks.items() if depth > 0),
                         reverse=True)
        return {"parent": parent, "workers": workers}


# ---------------------------------------------------------------- throughput (library)

def throughput(levels: range, size: int, workers: int, scheduler: str | None) -> dict:
    from megagen.build import build

    stamps: list[tuple[float, int]] = []
    with tempfile.TemporaryDirectory(prefix="megagen-scale-") as tmp:
        t0 = time.perf_counter()
        manifest = build(levels, seed=1, size=size, out_dir=Path(tmp) / "out", workers=workers,
                         scheduler=scheduler, progress=lambda done, total: stamps.append((time.perf_counter(), done)))
        wall = time.perf_counter() - t0
    h = manifest["level_height"]
    block_levels = manifest["preset"]["config"]["block_levels"]
    # blocks finish in waves of `workers`: count from the end of the first wave
    (t_first, n_first), (t_last, n_last) = stamps[min(workers, len(stamps) - 1) - 1], stamps[-1]
    steady = (n_last - n_first) / (t_last - t_first)
    return {"wall": wall, "levels_per_s": steady, "voxels_per_s": steady * size * size * h,
            "steady_seconds": t_last - t_first, "steady_blocks": (n_last - n_first) / block_levels,
            "blocks": -(-len(levels) // block_levels), "block_levels": block_levels}


def run_throughput(levels: int, size: int, repeat: int) -> None:
    import importlib.util

    rng = range(levels)
    print(f"\n== throughput: levels 0-{levels - 1} at {size}x{size} (steady rate from the first wave of blocks to the last block)")
    runs = {"pool 1w": (1, None), "pool 2w": (2, None)}
    if importlib.util.find_spec("distributed") is not None:
        runs["dask 2w"] = (2, "local")
    else:
        print("   (dask.distributed not installed: pip install 'megagen[dask]')")
    res = {}
    for round_ in range(repeat):  # alternate the runs; keep each one's best (the machine may be shared)
        for name, (workers, scheduler) in runs.items():
            r = throughput(rng, size, workers, scheduler)
            print(f"   {name:8s} {r['levels_per_s']:7.1f} levels/s  {r['voxels_per_s'] / 1e6:7.1f} M voxels/s"
                  f"   (wall {r['wall']:6.2f} s for {levels} levels, {r['blocks']} blocks of {r['block_levels']};"
                  f" load {os.getloadavg()[0]:.1f})", flush=True)
            if name not in res or r["levels_per_s"] > res[name]["levels_per_s"]:
                res[name] = r
    print(f"   best of {repeat}: " + ", ".join(f"{name} {r['levels_per_s']:.1f} levels/s" for name, r in res.items()))
    speedup = res["pool 2w"]["levels_per_s"] / res["pool 1w"]["levels_per_s"]
    print(f"   2 workers / 1 worker: {speedup:.2f}x   [target >= 1.7x: {'met' if speedup >= 1.7 else 'MISSED'}]")
    if "dask 2w" in res:
        d, p = res["dask 2w"], res["pool 2w"]
        ratio = d["levels_per_s"] / p["levels_per_s"]
        per_block_pool = p["steady_seconds"] * 2 / p["steady_blocks"]
        per_block_dask = d["steady_seconds"] * 2 / d["steady_blocks"]
        overhead = per_block_dask - per_block_pool
        print(f"   Dask / pool: {ratio:.2f}x   [target within 15%: {'met' if ratio >= 0.85 else 'MISSED'}]"
              f"   wall incl. cluster start: {d['wall']:.2f} s vs {p['wall']:.2f} s")
        print(f"   per block (worker time): pool {per_block_pool * 1e3:.0f} ms, Dask {per_block_dask * 1e3:.0f} ms"
              f" -> Dask overhead {overhead * 1e3:+.0f} ms per block ({overhead / per_block_pool:+.1%})")


# ---------------------------------------------------------------- memory (CLI)

def run_cli(args: list[str], timeout: float | None = None) -> tuple[float, dict]:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "megagen", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peaks = TreePeaks(proc.pid)
    _, err = proc.communicate(timeout=timeout)
    wall = time.perf_counter() - t0
    mem = peaks.stop()
    if proc.returncode != 0:
        raise SystemExit(f"megagen {' '.join(args)} failed ({proc.returncode}): {err.strip()}")
    return wall, mem


def run_memory(counts: list[int], size: int, workers: int) -> None:
    print(f"\n== peak RSS (VmHWM) of `megagen build --levels N --size {size} --workers {workers}`")
    base = None
    for n in counts:
        with tempfile.TemporaryDirectory(prefix="megagen-scale-") as tmp:
            wall, mem = run_cli(["build", "--levels", str(n), "--size", str(size), "--workers", str(workers),
                                 "--out", str(Path(tmp) / "out"), "-q"])
        worker_peaks = [peak for peak, _ in mem["workers"]]
        top = max([mem["parent"], *worker_peaks])
        base = base or top
        shown = ", ".join(f"{p / 2**20:.0f}" for p in worker_peaks) or "-"
        print(f"   {n:6d} levels: {wall:7.1f} s ({n / wall:6.1f} levels/s)  parent {mem['parent'] / 2**20:6.0f} MiB"
              f"  workers [{shown}] MiB  largest process {top / 2**20:.0f} MiB ({top / base - 1:+.1%} vs {counts[0]})",
              flush=True)
    verdict = "met" if top <= 1.10 * base else "MISSED"
    print(f"   largest process at {counts[-1]} vs {counts[0]} levels: {top / base:.3f}x   [target within 10%: {verdict}]")


# ---------------------------------------------------------------- wide footprint

def run_footprint(levels: int, size: int, workers: int) -> None:
    print(f"\n== footprint {size}x{size}, {levels} levels, {workers} workers")
    with tempfile.TemporaryDirectory(prefix="megagen-scale-") as tmp:
        wall, mem = run_cli(["build", "--levels", str(levels), "--size", str(size), "--workers", str(workers),
                             "--out", str(Path(tmp) / "out"), "-q"])
    voxels = levels * size * size * 8
    worker_peaks = ", ".join(f"{p / 2**20:.0f}" for p, _ in mem["workers"]) or "-"
    print(f"   {wall:.1f} s, {voxels / 1e9:.2f} G voxels, {voxels / wall / 1e6:.0f} M voxels/s,"
          f" {levels / wall:.1f} levels/s; peak RSS parent {mem['parent'] / 2**20:.0f} MiB, workers [{worker_peaks}] MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="scaled down: a look in a couple of minutes")
    parser.add_argument("--repeat", type=int, default=None, help="throughput rounds (best of) [3; quick 2]")
    parser.add_argument("--only", choices=["throughput", "memory", "footprint"], action="append")
    args = parser.parse_args()
    only = set(args.only or ["throughput", "memory", "footprint"])
    print(f"megagen scale bench on {os.cpu_count()} cores, python {sys.version.split()[0]}"
          f"{' (quick)' if args.quick else ''}; load average {os.getloadavg()[0]:.1f} (other work skews every figure)")
    if "throughput" in only:
        run_throughput(320 if args.quick else 960, 256, args.repeat or (2 if args.quick else 3))
    if "memory" in only:
        run_memory([60, 600, 6000] if args.quick else [600, 6000, 60000], 256, 2)
    if "footprint" in only:
        run_footprint(60 if args.quick else 600, 1024, 2)


if __name__ == "__main__":
    main()
