from __future__ import annotations

import os
import time
from collections.abc import Sequence

import numpy as np
import pytest

from dupecheck import parallel
from dupecheck.parallel import default_jobs, map_batches, ordered_map


def test_results_come_back_in_input_order_for_any_number_of_jobs() -> None:
    items = list(range(3000))
    expected = [n * n for n in items]
    for jobs in (1, 2, 3):
        assert ordered_map(lambda n: n * n, items, jobs) == expected


def test_work_runs_in_other_processes_when_there_is_enough_of_it() -> None:
    pids = set(ordered_map(lambda _: os.getpid(), range(4000), jobs=2))
    assert os.getpid() not in pids
    assert len(pids) == 2


def test_small_work_stays_in_this_process() -> None:
    assert set(ordered_map(lambda _: os.getpid(), range(10), jobs=4)) == {os.getpid()}


def test_progress_counts_up_to_the_number_of_items() -> None:
    seen: list[int] = []
    ordered_map(str, range(2000), jobs=2, progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == 2000


def test_a_failing_item_raises_in_the_caller_and_leaves_no_work_behind() -> None:
    def fail_on_seven(n: int) -> int:
        if n == 1777:
            raise ValueError("seven")
        return n

    with pytest.raises(ValueError, match="seven"):
        ordered_map(fail_on_seven, range(3000), jobs=2)
    assert parallel._work is None


def test_default_jobs_is_at_least_one() -> None:
    assert default_jobs() >= 1


def test_map_batches_gives_the_same_results_for_any_number_of_jobs() -> None:
    items = list(range(3000))

    def squares(batch: Sequence[int]) -> list[int]:
        return (np.array(batch, dtype=np.int64) ** 2).tolist()  # type: ignore[no-any-return]

    assert (
        map_batches(squares, items, jobs=1) == map_batches(squares, items, jobs=2) == [i * i for i in items]
    )


def test_map_batches_refuses_a_function_that_loses_results() -> None:
    with pytest.raises(ValueError, match="one result per item"):
        map_batches(lambda batch: list(batch)[1:], list(range(10)), jobs=1)


def test_what_workers_add_to_a_shared_dict_memo_comes_back_to_this_process() -> None:
    memo: dict[int, int] = {1: 1}
    shared = parallel.share_dict(memo, kept=10_000)
    try:
        squares = ordered_map(lambda n: memo.setdefault(n, n * n), range(3000), jobs=2)
        assert squares == [n * n for n in range(3000)]
        assert memo == {n: n * n for n in range(3000)}
        ordered_map(lambda n: memo[n], range(3000), jobs=2)  # all known: nothing more comes back
        assert len(memo) == 3000
    finally:
        parallel._MEMOS.remove(shared)


def test_a_shared_dict_memo_is_emptied_here_rather_than_hold_more_than_kept() -> None:
    memo: dict[int, int] = {}
    shared = parallel.share_dict(memo, kept=500)
    try:
        ordered_map(lambda n: memo.setdefault(n, n), range(3000), jobs=2)
        assert 0 < len(memo) <= 500
        assert all(key == value for key, value in memo.items())
    finally:
        parallel._MEMOS.remove(shared)


def test_entries_of_a_memo_a_worker_emptied_still_come_back() -> None:
    memo: dict[int, int] = dict.fromkeys(range(-100, 0), 0)
    shared = parallel.share_dict(memo, kept=10_000)
    try:
        # Each item empties the memo in the worker before adding to it.
        ordered_map(lambda n: (memo.clear(), memo.setdefault(n, n)), range(2000), jobs=2)
        assert {n for n in memo if n >= 0} <= set(range(2000))
        assert len(memo) > 100
    finally:
        parallel._MEMOS.remove(shared)


def test_memos_are_not_sent_when_the_work_stays_in_this_process() -> None:
    sent: list[object] = []
    shared = parallel.share_memo(parallel.SharedMemo(mark=lambda: 0, added=lambda _: None, learn=sent.append))
    try:
        ordered_map(str, range(10), jobs=2)
        assert sent == []
        ordered_map(str, range(2000), jobs=2)
        assert sent and all(entry is None for entry in sent)
    finally:
        parallel._MEMOS.remove(shared)


def test_map_parts_gives_the_results_a_part_at_a_time_in_order() -> None:
    parts = list(parallel.map_parts(lambda batch: [n * 3 for n in batch], range(3000), jobs=2))
    assert len(parts) > 1
    assert [n for part in parts for n in part] == [n * 3 for n in range(3000)]
    assert parallel._work is None


def test_a_caller_may_stop_reading_parts_early() -> None:
    parts = parallel.map_parts(lambda batch: list(batch), range(3000), jobs=2)
    first = next(parts)
    assert 0 < len(first) < 3000 and first == list(range(len(first)))
    parts.close()
    assert parallel._work is None


def test_work_not_started_is_dropped_when_the_caller_stops_reading() -> None:
    import multiprocessing

    started = multiprocessing.get_context("fork").Value("i", 0)

    def slow(batch: Sequence[int]) -> list[int]:
        with started.get_lock():
            started.value += 1
        time.sleep(0.05)
        return list(batch)

    parts = parallel.map_parts(slow, range(20_000), jobs=2)
    next(parts)
    parts.close()
    assert parallel._work is None
    assert started.value < 20_000 // 256 // 2


def test_another_map_may_run_while_a_map_is_paused_between_parts() -> None:
    for jobs in (1, 2):
        parts = parallel.map_parts(lambda batch: [n * 2 for n in batch], range(3000), jobs=jobs)
        first = next(parts)
        assert ordered_map(lambda n: n + 1, range(2000), jobs=jobs) == list(range(1, 2001))
        rest = [n for part in parts for n in part]
        assert first + rest == [n * 2 for n in range(3000)]
        assert parallel._work is None


def test_entries_a_memo_already_holds_do_not_count_against_kept() -> None:
    memo: dict[int, int] = dict.fromkeys(range(900), 0)
    shared = parallel.share_dict(memo, kept=1000)
    try:
        shared.learn([(n, 0) for n in range(800, 950)])
        assert len(memo) == 950
        shared.learn([(n, 0) for n in range(2000, 2100)])
        assert set(memo) == set(range(2000, 2100))  # emptied, then what was new
    finally:
        parallel._MEMOS.remove(shared)
