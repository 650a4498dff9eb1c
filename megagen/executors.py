"""Where blocks run: inline, on a local process pool, or on a Dask cluster.

Every executor maps one picklable function over block tasks and yields results as
blocks finish, keeping at most two blocks per worker in flight, so the parent's
memory stays bounded whatever the level count. Blocks are pure, so the executor
never changes a byte of the output.
"""
from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Callable, Iterable, Iterator

from .errors import ConfigError


def run_tasks(fn: Callable, tasks: list, workers: int = 1, scheduler: str | None = None) -> Iterator:
    """Yield ``fn(task)`` for every task, in completion order."""
    if scheduler:
        yield from _dask(fn, tasks, workers, scheduler)
    elif workers == 1 or len(tasks) <= 1:
        for task in tasks:
            yield fn(task)
    else:
        yield from _pool(fn, tasks, workers)


def check_scheduler(address: str | None) -> None:
    """Raise :class:`ConfigError` for a ``scheduler`` that cannot work (Dask missing, an
    address that does not parse), so a build can refuse it before writing anything."""
    if not address:
        return
    try:
        from distributed.comm.addressing import get_address_host_port
    except ImportError:
        raise ConfigError("--scheduler needs Dask: pip install 'megagen[dask]'") from None
    if address != "local":
        try:
            get_address_host_port(address)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"--scheduler {address!r} is not 'local' or a Dask scheduler address "
                              f"such as tcp://host:8786 ({exc})") from None


def _bounded(submit: Callable, tasks: Iterable, limit: int, wait_any: Callable, cancel: Callable) -> Iterator:
    pending: set = set()
    queue = iter(tasks)
    try:
        for task in queue:
            pending.add(submit(task))
            if len(pending) >= limit:
                break
        while pending:
            finished, pending = wait_any(pending)
            for future in finished:
                yield future.result()
            for task in queue:
                pending.add(submit(task))
                if len(pending) >= limit:
                    break
    except BaseException:
        cancel(pending)
        raise


def _die_with_parent() -> None:
    """Pool worker initializer: on Linux, ask the kernel to end this worker if the build
    process dies (SIGKILL included), so no orphan goes on writing into the output."""
    try:
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: orphans end when their pipe closes
        pass


def _pool(fn, tasks, workers) -> Iterator:
    with ProcessPoolExecutor(max_workers=min(int(workers), len(tasks)), initializer=_die_with_parent) as pool:
        def cancel(pending):
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)

        yield from _bounded(lambda t: pool.submit(fn, t), tasks, 2 * workers,
                            lambda p: wait(p, return_when=FIRST_COMPLETED), cancel)


def _dask(fn, tasks, workers, address) -> Iterator:
    try:
        import dask
        from dask.distributed import Client, LocalCluster, wait as dask_wait
    except ImportError:
        raise ConfigError("--scheduler needs Dask: pip install 'megagen[dask]'") from None
    # Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 for its workers; numpy-heavy
    # blocks ran at a third of serial speed with it here, so workers keep glibc's default.
    with dask.config.set({"distributed.nanny.pre-spawn-environ": {}}):
        if address == "local":
            cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        else:
            cluster = None
            try:
                client = Client(address, timeout="10s")
            except (OSError, ValueError) as exc:
                raise ConfigError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    try:
        slots = max(1, sum(client.nthreads().values()))

        def wait_any(pending):
            done, not_done = dask_wait(list(pending), return_when="FIRST_COMPLETED")
            return set(done), set(not_done)

        yield from _bounded(lambda t: client.submit(fn, t, pure=False), tasks, 2 * slots, wait_any,
                            lambda pending: client.cancel(list(pending)))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
