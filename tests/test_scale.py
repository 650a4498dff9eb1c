"""Scale and survive (issue 6): offset windows, Dask, --part, --resume after SIGKILL,
Ctrl-C and write errors. Small builds (64 x 64, 4-level blocks) so the file runs in
well under a minute; each test compares against one uninterrupted serial build."""
from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from megagen.cli import cli
from megagen.world import MAX_COORD

LEVELS = "0-95"  # 24 blocks of 4 levels: long enough to stop mid-way
SEED = 7
SIZE = 64
COMMON = ["--levels", LEVELS, "--seed", str(SEED), "--size", str(SIZE), "--set", "block_levels=4", "-q"]
BLOCKS = [(lo, lo + 4) for lo in range(0, 96, 4)]
RUN_DEPENDENT = {"index.html"}  # the viewer page shows the run's wall time and workers


# ---------------------------------------------------------------- helpers

def megagen(*args, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MEGAGEN_DEBUG"}
    return subprocess.run([sys.executable, "-m", "megagen", *args], capture_output=True, text=True,
                          env=env, timeout=120, **kw)


def spawn(*args) -> subprocess.Popen:
    """A build in its own process group, so a signal reaches its pool workers too."""
    env = {k: v for k, v in os.environ.items() if k != "MEGAGEN_DEBUG"}
    return subprocess.Popen([sys.executable, "-m", "megagen", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)


def invoke(*args):
    """The CLI in this process (so monkeypatches reach the writer), with megagen's exit codes."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def snapshot(out: Path) -> tuple[dict, dict]:
    """Every file's bytes (less the run-dependent ones) and the manifest without 'run'."""
    files = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
             if p.is_file() and p.name not in RUN_DEPENDENT and p.name != "manifest.json"}
    manifest = json.loads((out / "manifest.json").read_text())
    manifest.pop("run")
    return files, manifest


def assert_same_build(out: Path, ref: tuple[dict, dict]) -> None:
    files, manifest = snapshot(out)
    assert not (out / ".megagen").exists(), "the journal outlived the build"
    assert not [name for name in files if name.endswith(".tmp")]
    assert sorted(files) == sorted(ref[0])
    assert [name for name in files if files[name] != ref[0][name]] == []
    assert manifest == ref[1]


def journal_blocks(out: Path) -> set[int]:
    """Blocks the journal holds (a torn last line does not count)."""
    done = set()
    for path in (out / ".megagen").glob("blocks*.jsonl"):
        for line in path.read_text().splitlines():
            try:
                done.add(json.loads(line)["lo"])
            except ValueError:
                pass
    return done


def written_blocks(out: Path) -> set[int]:
    """Blocks whose every level PNG is on disk."""
    levels = out / "levels"
    return {lo for lo, hi in BLOCKS if all((levels / f"level_{lv:05d}.png").is_file() for lv in range(lo, hi))}


def wait_for_blocks(proc: subprocess.Popen, out: Path, n: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(journal_blocks(out)) < n if (out / ".megagen").is_dir() else True:
        if proc.poll() is not None:
            pytest.fail(f"the build ended (exit {proc.returncode}) before it could be stopped: {proc.stderr.read()}")
        if time.monotonic() > deadline:
            pytest.fail("the build journaled nothing in time")
        time.sleep(0.005)


def wait_group_gone(pgid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)


def palette_indices(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        assert im.mode == "P"
        return np.asarray(im)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[dict, dict]:
    """One uninterrupted serial build of COMMON."""
    out = tmp_path_factory.mktemp("reference") / "city"
    result = megagen("build", *COMMON, "--out", str(out), "--workers", "1")
    assert result.returncode == 0, result.stderr
    return snapshot(out)


# ---------------------------------------------------------------- no edge

def test_offset_windows_agree_on_their_overlap(tmp_path):
    """Two builds 40 x 24 voxels apart (one at negative coordinates) draw the same
    floor plans where they overlap, and their zarr volumes agree voxel for voxel."""
    a, b = (0, 0), (40, -24)
    for name, (x, y) in (("a", a), ("b", b)):
        for verb in ("build", "export"):
            args = [verb] + (["zarr"] if verb == "export" else []) + [
                "--levels", "0-7", "--seed", str(SEED), "--size", str(SIZE), "--set", "block_levels=4",
                "--origin", f"{x},{y}", "--workers", "1", "-q", "--out", str(tmp_path / f"{verb}-{name}")]
            result = megagen(*args)
            assert result.returncode == 0, result.stderr
    # the overlap in world coordinates: x in [40, 64), y in [0, 40)
    xs, ys = slice(40, 64), slice(0, 40)
    in_a = (ys, xs)
    in_b = (slice(ys.start - b[1], ys.stop - b[1]), slice(xs.start - b[0], xs.stop - b[0]))
    for level in range(8):
        name = f"levels/level_{level:05d}.png"
        pa = palette_indices(tmp_path / "build-a" / name)
        pb = palette_indices(tmp_path / "build-b" / name)
        assert pa.shape == pb.shape == (SIZE, SIZE)
        assert np.array_equal(pa[in_a], pb[in_b]), f"level {level} differs on the overlap"
    import zarr
    va = zarr.open_array(str(tmp_path / "export-a" / "city.zarr" / "voxels"), mode="r")[:]
    vb = zarr.open_array(str(tmp_path / "export-b" / "city.zarr" / "voxels"), mode="r")[:]
    assert va.shape == vb.shape == (64, SIZE, SIZE)
    assert va[:, in_a[0], in_a[1]].any()
    assert np.array_equal(va[:, in_a[0], in_a[1]], vb[:, in_b[0], in_b[1]])


def test_far_origin_builds_and_beyond_the_limit_is_one_line(tmp_path):
    far = MAX_COORD // 2 - SIZE
    result = megagen("build", "--levels", "2", "--size", "32", "--origin", f"{-far},{far}", "--workers", "1",
                     "-q", "--out", str(tmp_path / "far"))
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "far" / "manifest.json").read_text())["origin"] == {"x": -far, "y": far}
    result = megagen("build", "--levels", "2", "--size", "32", "--origin", f"{MAX_COORD},0", "-q",
                     "--out", str(tmp_path / "beyond"))
    assert result.returncode == 2
    assert len(error_lines(result.stderr)) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "beyond").exists()


# ---------------------------------------------------------------- Dask

def test_dask_workers_keep_glibc_malloc_trim_default(monkeypatch):
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 for its workers (numpy blocks ran
    at a third of serial speed with it); executors._dask keeps it out of them."""
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    from megagen.executors import run_tasks

    seen = list(run_tasks(os.getenv, ["MALLOC_TRIM_THRESHOLD_"] * 4, 2, "local"))
    assert seen == [None] * 4
    assert "MALLOC_TRIM_THRESHOLD_" not in os.environ  # the nanny's parent is not poisoned either


def test_local_cluster_with_two_workers_equals_the_serial_build(tmp_path, reference):
    out = tmp_path / "dask"
    result = megagen("build", *COMMON, "--out", str(out), "--workers", "2", "--scheduler", "local")
    assert result.returncode == 0, result.stderr
    assert_same_build(out, reference)
    run = json.loads((out / "manifest.json").read_text())["run"]
    assert run["scheduler"] == "local" and run["workers"] == 2


@pytest.mark.parametrize("address", ["bogus", "nonsense://host:1", "tcp://host:port"])
def test_a_malformed_scheduler_address_is_one_line_and_writes_nothing(tmp_path, address):
    """(An unreachable but well-formed address fails after the client's 10 s timeout,
    also with one line and exit 2.)"""
    result = megagen("build", "--levels", "2", "--size", "32", "--scheduler", address,
                     "-q", "--out", str(tmp_path / "city"))
    assert result.returncode == 2, result.stderr
    assert len(error_lines(result.stderr)) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "city").exists()


# ---------------------------------------------------------------- parts

def test_parts_one_after_another_equal_the_whole(tmp_path, reference):
    out = tmp_path / "parts"
    for i in (1, 2, 3):
        result = megagen("build", *COMMON, "--out", str(out), "--workers", "1", "--part", f"{i}/3")
        assert result.returncode == 0, result.stderr
        assert (out / "manifest.json").exists() == (i == 3)
    assert_same_build(out, reference)


def test_parts_at_the_same_time_equal_the_whole(tmp_path, reference):
    out = tmp_path / "parts"
    procs = [spawn("build", *COMMON, "--out", str(out), "--workers", "1", "--part", f"{i}/3") for i in (3, 1)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert not (out / "manifest.json").exists()
    result = megagen("build", *COMMON, "--out", str(out), "--workers", "1", "--part", "2/3")
    assert result.returncode == 0, result.stderr
    assert_same_build(out, reference)


# ---------------------------------------------------------------- resume

def test_sigkill_mid_build_then_resume_equals_uninterrupted(tmp_path, reference):
    workers = 2
    out = tmp_path / "killed"
    proc = spawn("build", *COMMON, "--out", str(out), "--workers", str(workers))
    wait_for_blocks(proc, out, 3)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its pool workers
    proc.communicate(timeout=30)
    wait_group_gone(proc.pid)
    journaled, written = journal_blocks(out), written_blocks(out)
    assert not (out / "manifest.json").exists()
    assert journaled <= written  # a block is journaled only once its files are on disk
    lost = written - journaled
    assert len(lost) <= 2 * workers, f"{len(lost)} finished blocks lost: {sorted(lost)}"
    assert len(journaled) < len(BLOCKS)
    # a kill during a write leaves the writer's temp file behind: the resume must not keep it
    (out / "levels" / ".level_00093.png.k1ll3d.tmp").write_bytes(b"\x89PNG half")

    result = megagen("build", *COMMON, "--out", str(out), "--workers", str(workers))
    assert result.returncode == 2 and len(error_lines(result.stderr)) == 1
    assert "--resume" in result.stderr and "--force" in result.stderr

    result = megagen("build", *COMMON, "--out", str(out), "--workers", str(workers), "--resume")
    assert result.returncode == 0, result.stderr
    assert_same_build(out, reference)


def test_ctrl_c_exits_130_with_the_resume_hint_and_resumes(tmp_path, reference):
    out = tmp_path / "interrupted"
    proc = spawn("build", *COMMON, "--out", str(out), "--workers", "2")
    wait_for_blocks(proc, out, 2)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    lines = error_lines(err)  # (click ends the terminal's ^C line first)
    assert len(lines) == 1 and "--resume" in lines[0], err
    assert journal_blocks(out) and not (out / "manifest.json").exists()
    result = megagen("build", *COMMON, "--out", str(out), "--workers", "2", "--resume")
    assert result.returncode == 0, result.stderr
    assert_same_build(out, reference)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
@pytest.mark.parametrize("target", ["level_00042.png", "L40.npy"])
def test_write_error_is_one_line_leaves_no_temp_file_and_resumes(tmp_path, monkeypatch, reference, code, target):
    """A failing rename (full disk, permission lost) of a level PNG or of a journal strip
    mid-build: exit 2, one line, nothing half-written, and --resume finishes the build."""
    out = tmp_path / "failing"
    real_replace = os.replace

    def failing_replace(src, dst, *args, **kwargs):
        if Path(dst).name == target:
            raise OSError(code, os.strerror(code), str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", failing_replace)
    result = invoke("build", *COMMON, "--out", str(out), "--workers", "1")
    monkeypatch.setattr(os, "replace", real_replace)
    assert result.exit_code == 2, result.output
    lines = error_lines(result.stderr)
    assert len(lines) == 1 and os.strerror(code) in lines[0] and "--resume" in lines[0], result.stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert not (out / "manifest.json").exists()
    assert 40 not in journal_blocks(out) and journal_blocks(out) >= {0, 4, 8}
    for png in (out / "levels").glob("*.png"):  # every PNG on disk is whole
        with Image.open(png) as im:
            im.load()

    result = invoke("build", *COMMON, "--out", str(out), "--workers", "1", "--resume")
    assert result.exit_code == 0, result.stderr
    assert_same_build(out, reference)


def test_resume_of_a_finished_build_changes_nothing_and_other_arguments_are_refused(tmp_path, reference):
    out = tmp_path / "done"
    result = megagen("build", *COMMON, "--out", str(out), "--workers", "2")
    assert result.returncode == 0, result.stderr
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    started = time.perf_counter()
    result = megagen("build", *COMMON, "--out", str(out), "--workers", "2", "--resume")
    assert result.returncode == 0, result.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
    assert time.perf_counter() - started < 10
    assert_same_build(out, reference)

    other = [a if a != str(SEED) else "8" for a in COMMON]
    result = megagen("build", *other, "--out", str(out), "--workers", "2", "--resume")
    assert result.returncode == 2 and len(error_lines(result.stderr)) == 1, result.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_resume_with_other_arguments_is_refused_with_one_line(tmp_path):
    """An interrupted build is resumed only by the same command (seed, range, size,
    origin, preset): anything else would mix two cities in one folder."""
    out = tmp_path / "partial"
    small = ["--levels", "0-15", "--size", "32", "--set", "block_levels=4", "--seed", "3", "-q",
             "--out", str(out), "--workers", "1"]
    result = megagen("build", *small, "--part", "1/2")
    assert result.returncode == 0, result.stderr
    before = sorted(p.name for p in out.rglob("*"))
    for change in (["--seed", "4"], ["--levels", "0-19"], ["--size", "40"], ["--origin", "8,0"],
                   ["--set", "block_levels=8"]):
        result = megagen("build", *small, *change, "--resume")
        assert result.returncode == 2, (change, result.stderr)
        assert len(error_lines(result.stderr)) == 1 and "Traceback" not in result.stderr
        assert "--force" in result.stderr
        assert sorted(p.name for p in out.rglob("*")) == before
    result = megagen("build", *small, "--resume")
    assert result.returncode == 0, result.stderr
    assert (out / "manifest.json").is_file() and not (out / ".megagen").exists()


def test_nothing_to_resume_is_one_line(tmp_path):
    result = megagen("build", "--levels", "2", "--size", "32", "-q", "--resume", "--out", str(tmp_path / "none"))
    assert result.returncode == 2 and len(error_lines(result.stderr)) == 1, result.stderr


def test_a_finish_that_died_is_taken_over_by_resume(tmp_path, monkeypatch):
    """Killed while writing the overview and manifest (every block journaled, the
    finish claimed): --resume writes them instead of waiting for a dead finisher."""
    import megagen.build as build_module

    out = tmp_path / "finishing"
    args = ["build", "--levels", "0-15", "--size", "32", "--set", "block_levels=4", "--workers", "1",
            "--out", str(out)]

    def dies(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "_finish", dies)
    result = invoke(*args, "-q")
    assert result.exit_code == 130 and "--resume" in result.stderr
    monkeypatch.undo()
    assert len(journal_blocks(out)) == 4 and not (out / "manifest.json").exists()
    result = invoke(*args, "--resume")
    assert result.exit_code == 0, result.stderr
    assert (out / "manifest.json").is_file() and not (out / ".megagen").exists()
    assert "wrote 16 levels" in result.stderr


def test_a_window_ending_on_a_tile_seam_agrees_with_a_wider_one():
    from megagen.config import load_preset
    from megagen.generate import generate_box
    from megagen.world import Box

    config = load_preset("megastructure").config
    narrow = generate_box(Box(0, 8, 256, 256), config, 1)
    wide = generate_box(Box(0, 8, 257, 256), config, 1)
    assert np.array_equal(wide[:, :, :256], narrow)


def _running_children(parent: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``parent``, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent and fields[0] != "Z":
                found.append(int(entry))
    return found


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_pool_workers_end_when_the_build_process_is_killed(tmp_path):
    """Killing only the parent (not its process group) leaves no worker writing on."""
    out = tmp_path / "city"
    proc = spawn("build", "--levels", "2000", "--size", "64", "--set", "block_levels=4", "--workers", "2",
                 "-q", "--out", str(out))
    wait_for_blocks(proc, out, 2)
    workers = _running_children(proc.pid)
    assert workers, "the build runs a pool"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_running(w) for w in workers):
        time.sleep(0.05)
    alive = [w for w in workers if _running(w)]
    for w in alive:  # leave nothing behind even when the test fails
        os.kill(w, signal.SIGKILL)
    assert alive == []


def test_a_retried_part_on_a_finished_folder_does_nothing(tmp_path):
    """Job arrays retry tasks: a part run again on a finished build exits 0 and changes no file."""
    out = tmp_path / "city"
    for part in ("1/2", "2/2"):
        assert megagen("build", *COMMON, "--part", part, "--out", str(out)).returncode == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = megagen("build", *COMMON, "--part", "1/2", "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
    other = megagen("build", *COMMON, "--seed", "99", "--part", "1/2", "--out", str(out))
    assert other.returncode == 2 and "different, finished build" in other.stderr
