"""The speakers' queue: points of order, progressive stack, alternation, equal time."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from voting.rules.speaking import (
    OrderRule,
    RequestKind,
    SpeakingPolicy,
    SpeakingState,
    SpeakRequest,
    speaking_order,
)


def req(name: str, arrival: int, **kw) -> SpeakRequest:
    return SpeakRequest(name.lower(), name, arrival, **kw)


def names(places) -> list[str]:
    return [p.request.name for p in places]


def test_point_of_order_jumps_the_queue_then_first_come():
    queue = [req("Ana", 1), req("Bo", 2), req("Cy", 3, kind=RequestKind.POINT_OF_ORDER)]
    order = speaking_order(queue, SpeakingPolicy())
    assert names(order) == ["Cy", "Ana", "Bo"]
    assert [p.describe() for p in order] == [
        "1. Cy: point of order: jumps the queue",
        "2. Ana: hand raised in place 1",
        "3. Bo: hand raised in place 2",
    ]


def test_progressive_stack_puts_those_who_have_not_spoken_first():
    policy = SpeakingPolicy(
        rules=(
            OrderRule.POINTS_OF_ORDER_FIRST,
            OrderRule.NOT_YET_SPOKEN_FIRST,
            OrderRule.FIRST_COME,
        )
    )
    state = SpeakingState(spoken=frozenset({"ana"}))
    order = speaking_order([req("Ana", 1), req("Bo", 2), req("Cy", 3)], policy, state)
    assert names(order) == ["Bo", "Cy", "Ana"]
    assert order[0].describe() == "1. Bo: has not spoken yet on this item"


def test_awl_equal_time_for_each_point_of_view():
    """AWL: "equal speaking time at meetings, conferences, etc., shall be allotted to all the
    different points of view represented"."""
    policy = SpeakingPolicy(
        rules=(OrderRule.EQUAL_TIME_PER_VIEWPOINT, OrderRule.FIRST_COME),
        seconds_per_contribution=180,
    )
    state = SpeakingState(time_used={"for": 540, "against": 180, "amendment 2": 0})
    queue = [
        req("Ana", 1, viewpoint="for"),
        req("Bo", 2, viewpoint="against"),
        req("Cy", 3, viewpoint="amendment 2"),
        req("Dee", 4, viewpoint="against"),
    ]
    order = speaking_order(queue, policy, state)
    assert names(order) == ["Cy", "Bo", "Dee", "Ana"]
    assert order[0].describe() == "1. Cy: amendment 2 has used the least time so far (0 s)"


def test_alternating_for_and_against():
    policy = SpeakingPolicy(rules=(OrderRule.ALTERNATE_FOR_AGAINST, OrderRule.FIRST_COME))
    queue = [
        req("Ana", 1, viewpoint="for"),
        req("Bo", 2, viewpoint="for"),
        req("Cy", 3, viewpoint="against"),
        req("Dee", 4, viewpoint="against"),
    ]
    order = speaking_order(queue, policy, SpeakingState(last_viewpoint="against"))
    assert names(order) == ["Ana", "Cy", "Bo", "Dee"]
    assert order[1].describe() == "2. Cy: alternating: against after for"


def test_self_declared_balancing_alternates_after_the_last_speaker():
    policy = SpeakingPolicy(
        rules=(OrderRule.BALANCE_SELF_DECLARED, OrderRule.FIRST_COME), balance_category="woman"
    )
    woman = frozenset({"woman"})
    queue = [req("Al", 1), req("Bob", 2), req("Cat", 3, categories=woman), req("Dan", 4)]
    order = speaking_order(queue, policy, SpeakingState(last_categories=frozenset()))
    assert names(order) == ["Cat", "Al", "Bob", "Dan"]
    assert order[0].describe() == "1. Cat: balancing: woman after someone who is not"


def test_direct_response_follows_the_speaker_where_allowed():
    queue = [req("Ana", 1), req("Bo", 2, kind=RequestKind.DIRECT_RESPONSE)]
    assert names(speaking_order(queue, SpeakingPolicy())) == ["Bo", "Ana"]
    assert names(speaking_order(queue, SpeakingPolicy(direct_responses=False))) == ["Ana", "Bo"]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(RequestKind)),
            st.sampled_from(["for", "against", None]),
            st.booleans(),
        ),
        max_size=15,
    ),
    st.permutations(list(OrderRule)),
)
def test_every_request_gets_exactly_one_place_with_a_reason(entries, rules):
    queue = [
        SpeakRequest(i % 5, f"P{i}", i, kind, view, frozenset({"woman"}) if w else frozenset())
        for i, (kind, view, w) in enumerate(entries)
    ]
    policy = SpeakingPolicy(rules=tuple(rules), balance_category="woman")
    order = speaking_order(queue, policy)
    assert sorted(p.request.arrival for p in order) == list(range(len(queue)))
    assert [p.position for p in order] == list(range(1, len(queue) + 1))
    assert all(p.reasons for p in order)
    points = [p.position for p in order if p.request.kind is RequestKind.POINT_OF_ORDER]
    assert points == list(range(1, len(points) + 1))  # all points of order come first
