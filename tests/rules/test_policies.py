"""When a policy paper lapses and where it stands: WSM's conference papers lapse after three
years unless ratified, short-term parts after two; other bodies' never."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from voting.rules.policies import (
    DUE_WINDOW_DAYS,
    Standing,
    anniversary,
    lapse_date,
    standing,
    years_for,
)

D = dt.date
WSM = {"lapse_years": 3, "short_term_years": 2}


def _on(today: dt.date, **dates: dt.date | None) -> Standing:
    return standing(
        adopted_on=dates.get("adopted_on") or D(2024, 3, 10),
        ratified_on=dates.get("ratified_on"),
        rescinded_on=dates.get("rescinded_on"),
        years=3,
        today=today,
        next_meeting=dates.get("next_meeting"),
    ).standing


def test_a_paper_lapses_on_its_third_anniversary_and_short_term_parts_on_the_second() -> None:
    assert years_for(short_term=False, **WSM) == 3
    assert years_for(short_term=True, **WSM) == 2
    assert lapse_date(D(2024, 3, 10), None, 3) == D(2027, 3, 10)
    assert lapse_date(D(2024, 3, 10), None, 2) == D(2026, 3, 10)
    assert _on(D(2027, 3, 9)) is Standing.FALLS_DUE  # its last day in force
    assert _on(D(2027, 3, 10)) is Standing.LAPSED


def test_other_bodies_papers_never_lapse_and_short_term_ones_follow_the_rest() -> None:
    assert years_for(short_term=True, lapse_years=0, short_term_years=2) == 0
    assert years_for(short_term=True, lapse_years=4, short_term_years=0) == 4
    assert lapse_date(D(1990, 1, 1), None, 0) is None
    forever = standing(
        adopted_on=D(1990, 1, 1), ratified_on=None, rescinded_on=None, years=0, today=D(2060, 1, 1)
    )
    assert forever.standing is Standing.IN_FORCE
    assert forever.lapses_on is None and forever.due_from is None


def test_29_february_becomes_28_february_in_a_common_year() -> None:
    assert anniversary(D(2024, 2, 29), 3) == D(2027, 2, 28)
    assert anniversary(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert anniversary(D(2023, 2, 28), 1) == D(2024, 2, 28)
    assert lapse_date(D(2024, 2, 29), None, 2) == D(2026, 2, 28)
    assert _on(D(2027, 2, 28), adopted_on=D(2024, 2, 29)) is Standing.LAPSED
    assert _on(D(2027, 2, 27), adopted_on=D(2024, 2, 29)) is Standing.FALLS_DUE


def test_ratified_again_it_runs_three_years_from_the_ratification() -> None:
    assert lapse_date(D(2021, 5, 1), D(2024, 4, 20), 3) == D(2027, 4, 20)
    assert _on(D(2025, 1, 1), adopted_on=D(2021, 5, 1), ratified_on=D(2024, 4, 20)) is (
        Standing.IN_FORCE
    )
    # A paper ratified after it lapsed is in force again from the ratification.
    assert _on(D(2024, 6, 1), adopted_on=D(2021, 1, 1), ratified_on=D(2024, 5, 1)) is (
        Standing.IN_FORCE
    )


def test_it_falls_due_half_a_year_before_it_lapses_or_when_the_next_meeting_is_that_late() -> None:
    reading = standing(
        adopted_on=D(2024, 3, 10), ratified_on=None, rescinded_on=None, years=3, today=D(2026, 1, 1)
    )
    assert reading.due_from == D(2027, 3, 10) - dt.timedelta(days=DUE_WINDOW_DAYS)
    assert reading.standing is Standing.IN_FORCE
    assert _on(reading.due_from) is Standing.FALLS_DUE
    assert _on(reading.due_from - dt.timedelta(days=1)) is Standing.IN_FORCE
    # The conference is next in session inside the window: the paper is due for its agenda.
    assert _on(D(2026, 1, 1), next_meeting=D(2026, 11, 14)) is Standing.FALLS_DUE
    # ... or after the lapse date: the secretary learns now that it lapses first.
    assert _on(D(2026, 1, 1), next_meeting=D(2027, 5, 1)) is Standing.FALLS_DUE
    # A meeting before the window changes nothing: the one after it can still ratify.
    assert _on(D(2026, 1, 1), next_meeting=D(2026, 4, 1)) is Standing.IN_FORCE


def test_a_rescinded_paper_is_rescinded_from_that_day_whatever_its_dates() -> None:
    assert _on(D(2025, 1, 1), rescinded_on=D(2025, 1, 1)) is Standing.RESCINDED
    assert _on(D(2030, 1, 1), rescinded_on=D(2025, 1, 1)) is Standing.RESCINDED
    assert _on(D(2024, 12, 31), rescinded_on=D(2025, 1, 1)) is Standing.IN_FORCE


days = st.dates(min_value=D(1950, 1, 1), max_value=D(2200, 12, 31))


@given(day=days, years=st.integers(min_value=1, max_value=10))
def test_the_anniversary_is_the_same_day_and_month_or_the_months_last_day(
    day: dt.date, years: int
) -> None:
    later = anniversary(day, years)
    assert (later.year, later.month) == (day.year + years, day.month)
    assert later.day == day.day or (day.month, day.day, later.day) == (2, 29, 28)


@given(
    adopted=days,
    years=st.integers(min_value=1, max_value=5),
    first=st.integers(min_value=0, max_value=3000),
    gap=st.integers(min_value=0, max_value=3000),
)
def test_a_paper_never_comes_back_into_force_by_time_alone(
    adopted: dt.date, years: int, first: int, gap: int
) -> None:
    order = [Standing.IN_FORCE, Standing.FALLS_DUE, Standing.LAPSED]

    def on(offset: int) -> Standing:
        return standing(
            adopted_on=adopted,
            ratified_on=None,
            rescinded_on=None,
            years=years,
            today=adopted + dt.timedelta(days=offset),
        ).standing

    assert order.index(on(first)) <= order.index(on(first + gap))
