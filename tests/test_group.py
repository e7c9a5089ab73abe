from __future__ import annotations

from dupecheck.group import groups_of
from dupecheck.model import Group


def test_groups_are_connected_components_of_two_or_more() -> None:
    ids = ["a", "b", "c", "d", "e"]
    assert groups_of(ids, [(3, 4), (0, 1), (1, 3)]) == (Group(("a", "b", "d", "e")),)


def test_no_edges_no_groups() -> None:
    assert groups_of(["a", "b"], []) == ()


def test_groups_are_ordered_by_first_member_with_members_in_input_order() -> None:
    ids = ["a", "b", "c", "d", "e", "f"]
    assert groups_of(ids, [(4, 1), (5, 0), (3, 2)]) == (
        Group(("a", "f")),
        Group(("b", "e")),
        Group(("c", "d")),
    )
