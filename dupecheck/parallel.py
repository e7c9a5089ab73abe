"""Run a per-item function over many items in worker processes, results in input order.

Workers are forked from the scanning process, so they see what it holds (a batch of
articles, the document store's offsets, match views) without copying it through a pipe:
only item numbers go out and results come back. Where ``fork`` is not available
(Windows) the work runs in this process. Results are the same for every number of jobs:
each item is computed the same way, and the results are put back in input order.

Workers are forked anew for each map, so what they memoize (a word's term, a term's
hashes) would be lost with them, and the next map's workers would compute it again. A
memo registered with :func:`share_memo` comes back instead: with each part of the work,
workers send what they added to it, and this process adds that to its own, which the
next workers start with.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Items per task: large enough that pickling results back dominates the task overhead.
_CHUNK = 256
# Below this many items per worker, starting processes costs more than it saves.
_MIN_ITEMS_PER_JOB = 512

_work: tuple[Callable[[Sequence[Any]], list[Any]], Sequence[Any]] | None = None


@dataclass(frozen=True, slots=True)
class SharedMemo:
    """A memo of a pure function's results, filled by workers and kept by this process."""

    mark: Callable[[], int]
    """Where the memo stands (taken in a worker before a part of the work)."""
    added: Callable[[int], Any]
    """What was added since a mark, to send back (it must pickle)."""
    learn: Callable[[Any], None]
    """Add what a worker sent back to this process's memo."""


_MEMOS: list[SharedMemo] = []


def share_memo(memo: SharedMemo) -> SharedMemo:
    """Have what workers add to ``memo`` come back to this process (see the module's text)."""
    _MEMOS.append(memo)
    return memo


def share_dict(memo: dict[Any, Any], kept: int) -> SharedMemo:
    """:func:`share_memo` for a dict memo, emptied here when it would hold more than ``kept`` entries.

    A dict keeps insertion order, so what a worker added since it held ``n`` entries is
    its newest ``len - n``. Had it emptied the dict meanwhile, it sends all it holds if
    that is fewer than ``n``, else its newest: some entries may not come back, which
    costs only their making again. Entries this process has already are not counted
    against ``kept``.
    """

    def newest(size: int) -> list[tuple[Any, Any]]:
        if len(memo) < size:
            return list(memo.items())
        return list(islice(reversed(memo.items()), len(memo) - size))

    def learn(entries: list[tuple[Any, Any]]) -> None:
        new = [(key, value) for key, value in entries if key not in memo]
        if len(memo) + len(new) > kept:
            memo.clear()
        memo.update(new[:kept])

    return share_memo(SharedMemo(mark=memo.__len__, added=newest, learn=learn))


def default_jobs() -> int:
    """The CPUs this process may run on (the default of ``--jobs``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS and Windows have no sched_getaffinity
        return os.cpu_count() or 1


def _run(bounds: tuple[int, int]) -> list[Any]:
    assert _work is not None, "worker started without work"
    function, items = _work
    return function(items[bounds[0] : bounds[1]])


def _run_sharing(bounds: tuple[int, int]) -> tuple[list[Any], list[Any]]:
    """:func:`_run` in a worker: the results, and what was added to each shared memo meanwhile."""
    marks = [memo.mark() for memo in _MEMOS]
    part = _run(bounds)
    return part, [memo.added(mark) for memo, mark in zip(_MEMOS, marks)]


def _learned(parts: Iterable[tuple[list[Result], list[Any]]]) -> Iterator[list[Result]]:
    """Workers' results, adding what came with them to this process's shared memos."""
    for part, added in parts:
        for memo, entries in zip(_MEMOS, added):
            memo.learn(entries)
        yield part


def ordered_map(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    *,
    per_job: int = _MIN_ITEMS_PER_JOB,
) -> list[Result]:
    """``[function(item) for item in items]``, shared out over ``jobs`` processes.

    ``function`` may be any callable, a closure too: forked workers inherit it, and only
    item numbers and results cross between processes (results must pickle).
    ``progress`` is told how many items are done as parts of the work come back.
    Each worker started has ``per_job`` items or more: fewer cost more to start than they
    save, unless each item is much work (then say so with a lower ``per_job``).

    >>> ordered_map(lambda n: n * n, [3, 1, 2], jobs=2)
    [9, 1, 4]
    """
    return map_batches(
        lambda batch: [function(item) for item in batch], items, jobs, progress, per_job=per_job
    )


def map_batches(
    function: Callable[[Sequence[Item]], list[Result]],
    items: Sequence[Item],
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    *,
    per_job: int = _MIN_ITEMS_PER_JOB,
) -> list[Result]:
    """:func:`ordered_map` for a function that takes a batch of items and gives one result per item.

    For work done best many items at a time (numpy over a batch's values at once). How
    the items are cut into batches depends on ``jobs``, so ``function`` must give each
    item the same result in any batch.

    >>> import numpy as np
    >>> map_batches(lambda batch: (np.array(batch) ** 2).tolist(), [3, 1, 2], jobs=2)
    [9, 1, 4]
    """
    results: list[Result] = []
    for part in map_parts(function, items, jobs, per_job=per_job):
        results += part
        if progress is not None:
            progress(len(results))
    return results


def map_parts(
    function: Callable[[Sequence[Item]], list[Result]],
    items: Sequence[Item],
    jobs: int = 1,
    *,
    per_job: int = _MIN_ITEMS_PER_JOB,
) -> Iterator[list[Result]]:
    """:func:`map_batches`' results a part at a time, in input order, as soon as each is done.

    The caller can store a part while workers go on with the next ones. When the caller
    stops reading (closes the iterator, or leaves it on an error), work still queued is
    dropped; the few parts already handed to workers still run.

    >>> [part for part in map_parts(lambda batch: [n + 1 for n in batch], [3, 1, 2])]
    [[4, 2, 3]]
    """
    global _work
    workers = min(jobs, len(items) // max(per_job, 1))
    chunk = _CHUNK if workers < 2 else max(1, min(_CHUNK, len(items) // (workers * 4)))
    bounds = [(start, min(start + chunk, len(items))) for start in range(0, len(items), chunk)]
    forked = workers >= 2 and "fork" in multiprocessing.get_all_start_methods()
    with ExitStack() as stack:
        # In this process the function is bound here, not read from _work when a part is
        # made: another map may run while this one is paused between parts.
        parts: Iterable[list[Result]] = (function(items[start:end]) for start, end in bounds)
        if forked:
            # Frozen objects are left alone by the workers' garbage collector, so their
            # memory pages stay shared with this process instead of being copied.
            gc.freeze()
            stack.callback(gc.unfreeze)
            context = multiprocessing.get_context("fork")
            pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=context))
            # A caller that stops early (an error while storing a part) does not wait for
            # work still queued; parts already handed to workers (a few) still run.
            stack.callback(pool.shutdown, wait=True, cancel_futures=True)
            # With fork, every worker is started by the first submission and keeps its own
            # _work: this process's is put back at once.
            previous, _work = _work, (function, items)
            try:
                parts = _learned(pool.map(_run_sharing, bounds))
            finally:
                _work = previous
        for (start, end), part in zip(bounds, parts):
            if len(part) != end - start:
                raise ValueError(
                    f"a batch function must give one result per item: {len(part)} for {end - start}"
                )
            yield part
