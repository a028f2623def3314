"""Where a batch's chunks run: in this process, in local processes, or on a Dask cluster.

Every pool runs a list of independent calls ``fn(*args)`` (chunks of runs, or chunks of a sweep's
grid points) and hands each result to ``on_result(i, result)`` as it arrives (so a million runs are
merged as they finish, never all held at once), or returns the results in the order of the list.
The merge does not depend on the order, so the result is the same everywhere (game/engine/batch.py
explains the seeds).

- ``InProcess``: one after the other, here; progress after every turn of a chunk.
- ``LocalProcesses``: ``concurrent.futures.ProcessPoolExecutor`` with one worker per core.
- ``DaskPool``: a ``dask.distributed`` cluster (``--scheduler tcp://host:8786``) or a
  ``LocalCluster`` started for the run (``--scheduler local``). Dask is an optional extra
  (``pip install -e ".[dask]"``), imported only here and only when asked for; every worker needs
  the same version of this project installed (docs/batch.md).
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed

DASK_MISSING = ('--scheduler needs Dask, an optional extra: install it with pip install -e ".[dask]" '
                '(or pip install "dask[distributed]")')


class PoolError(RuntimeError):
    """A pool could not be started or reached: one plain sentence."""


class InProcess:
    name = "in-process"

    def run(self, fn, calls: list[tuple], sizes: list[int], progress=None, on_result=None) -> list | None:
        total, done, out = sum(sizes), 0, []
        for i, (args, n) in enumerate(zip(calls, sizes)):
            cb = None if progress is None else (lambda frac, d=done, n=n: progress(d + frac * n, total))
            _deliver(out, on_result, i, fn(*args, on_turn=cb))
            done += n
            if progress is not None:
                progress(done, total)
        return None if on_result else out

    def close(self) -> None:
        pass


class LocalProcesses:
    """One process per core (or ``workers``); progress as each call finishes."""

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.name = f"{self.workers} local processes"

    def run(self, fn, calls: list[tuple], sizes: list[int], progress=None, on_result=None) -> list | None:
        if len(calls) <= 1 or self.workers == 1:
            return InProcess().run(fn, calls, sizes, progress, on_result)
        total, done = sum(sizes), 0
        out: list = [None] * len(calls)
        with ProcessPoolExecutor(max_workers=min(self.workers, len(calls))) as ex:
            pending = iter(enumerate(calls))
            futures = {}
            for i, args in pending:                  # a few calls ahead of the workers, not all at once
                futures[ex.submit(fn, *args)] = i
                if len(futures) >= 2 * self.workers:
                    break
            while futures:
                fut = next(as_completed(futures))
                i = futures.pop(fut)
                _place(out, on_result, i, fut.result())
                done += sizes[i]
                if progress is not None:
                    progress(done, total)
                nxt = next(pending, None)
                if nxt is not None:
                    futures[ex.submit(fn, *nxt[1])] = nxt[0]
        return None if on_result else out

    def close(self) -> None:
        pass


class DaskPool:
    """Calls sent to a Dask cluster: an address (``tcp://host:8786``) or ``local`` for a LocalCluster."""

    def __init__(self, address: str, workers: int | None = None):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise PoolError(DASK_MISSING) from None
        self.cluster = None
        try:
            if address == "local":
                n = max(1, workers or os.cpu_count() or 1)
                self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                            dashboard_address=None)
                self.client = Client(self.cluster)
                self.name = f"a local Dask cluster of {n} workers"
            else:
                self.client = Client(address, timeout="10s")
                self.name = f"the Dask cluster at {address}"
        except (OSError, RuntimeError, TimeoutError) as exc:
            self.close()
            what = "start a local Dask cluster" if address == "local" else f"reach the Dask scheduler at {address}"
            raise PoolError(f"cannot {what}: {exc}") from None

    def run(self, fn, calls: list[tuple], sizes: list[int], progress=None, on_result=None) -> list | None:
        from dask.distributed import as_completed as dask_completed
        total, done = sum(sizes), 0
        futures = [self.client.submit(fn, *args, pure=False) for args in calls]
        index = {f.key: i for i, f in enumerate(futures)}
        out: list = [None] * len(calls)
        for fut in dask_completed(futures):
            i = index[fut.key]
            _place(out, on_result, i, fut.result())
            fut.release()                            # the cluster forgets a result once it is merged
            done += sizes[i]
            if progress is not None:
                progress(done, total)
        return None if on_result else out

    def close(self) -> None:
        for thing in ("client", "cluster"):
            obj = getattr(self, thing, None)
            if obj is not None:
                try:
                    obj.close()
                except Exception:  # pragma: no cover - closing a broken connection
                    pass


def _deliver(out: list, on_result, i: int, result) -> None:
    if on_result is not None:
        on_result(i, result)
    else:
        out.append(result)


def _place(out: list, on_result, i: int, result) -> None:
    if on_result is not None:
        on_result(i, result)
    else:
        out[i] = result


def make_pool(scheduler: str | None = None, workers: int | None = None):
    """The pool for ``--scheduler`` (None: local processes, or this process for ``workers == 1``)."""
    if scheduler:
        return DaskPool(scheduler, workers)
    if workers == 1:
        return InProcess()
    return LocalProcesses(workers)
