"""The policy register's dates: when an adopted policy paper lapses, and where it stands
on a day.

WSM: policy adopted by the National Conference lapses after three years unless the
conference ratifies it again; its short-term parts lapse after two. A body's settings give
the years (`policy_lapse_years`, `policy_short_term_years`); 0 years: the body's papers
never lapse (and short-term papers lapse as the rest).

* **The lapse date** is the anniversary, that many years on, of the day the paper was
  adopted or last ratified, whichever is later. A paper adopted on 10 March 2024 for three
  years is in force to 9 March 2027 and has lapsed on 10 March 2027. Adopted on
  29 February, its anniversary in a common year is 28 February (the last day of that
  month): the period never runs longer than the years the constitution gives.
* **Falling due**: from `DUE_WINDOW_DAYS` (half a year) before its lapse date the paper
  falls due, so the secretary can put it to the body. A body that meets twice a year (WSM's
  conference meets "at least twice a year") meets once in that time. It falls due earlier
  when the body's next scheduled meeting is itself inside that window, or after the lapse
  date: that meeting's agenda is the one to put it on (or the paper lapses before the
  body meets, which the secretary should know now).
* **Lapsed** from its lapse date; **rescinded** from the day the body rescinded it,
  whatever its dates. A lapsed paper ratified again is in force from that day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass

#: A paper falls due this many days before its lapse date (half a year).
DUE_WINDOW_DAYS = 183


class Standing(enum.StrEnum):
    IN_FORCE = "in_force"
    FALLS_DUE = "falls_due"
    LAPSED = "lapsed"
    RESCINDED = "rescinded"


@dataclass(frozen=True)
class Reading:
    """Where a paper stands on a day: its standing, the day it lapses (None: never) and the
    day it falls due from (None: never)."""

    standing: Standing
    lapses_on: dt.date | None
    due_from: dt.date | None


def anniversary(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


def years_for(*, short_term: bool, lapse_years: int, short_term_years: int) -> int:
    """The years a paper stays in force under the body's settings (0: it never lapses).

    A short-term paper takes the short-term years where the body sets them, else the rest's;
    a body whose papers never lapse lets none of them lapse."""
    if lapse_years <= 0:
        return 0
    if short_term and short_term_years > 0:
        return short_term_years
    return lapse_years


def lapse_date(adopted_on: dt.date, ratified_on: dt.date | None, years: int) -> dt.date | None:
    """The day the paper lapses: `years` after it was adopted or last ratified, whichever
    is later (None when `years` is 0: it never lapses)."""
    if years <= 0:
        return None
    since = max(adopted_on, ratified_on) if ratified_on is not None else adopted_on
    return anniversary(since, years)


def standing(
    *,
    adopted_on: dt.date,
    ratified_on: dt.date | None,
    rescinded_on: dt.date | None,
    years: int,
    today: dt.date,
    next_meeting: dt.date | None = None,
    window_days: int = DUE_WINDOW_DAYS,
) -> Reading:
    """Where the paper stands on `today`: rescinded, lapsed, falling due or in force.

    `next_meeting` is the day of the body's next scheduled meeting, if any: a paper falls
    due from `window_days` before its lapse date (`due_from`), or already when that meeting
    is on or after that day."""
    lapses_on = lapse_date(adopted_on, ratified_on, years)
    due_from = None if lapses_on is None else lapses_on - dt.timedelta(days=window_days)
    if rescinded_on is not None and rescinded_on <= today:
        return Reading(Standing.RESCINDED, lapses_on, due_from)
    if lapses_on is None or due_from is None:
        return Reading(Standing.IN_FORCE, None, None)
    if today >= lapses_on:
        return Reading(Standing.LAPSED, lapses_on, due_from)
    if today >= due_from or (next_meeting is not None and next_meeting >= due_from):
        return Reading(Standing.FALLS_DUE, lapses_on, due_from)
    return Reading(Standing.IN_FORCE, lapses_on, due_from)
