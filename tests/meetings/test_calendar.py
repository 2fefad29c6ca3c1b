"""A meeting as a calendar file (.ics): its title, start in UTC, body and link, under a UID
that stays the same; for whoever may see the meeting, refused to anyone else. Each
person's feed of their meetings, at a secret address a calendar program reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from icalendar import Calendar
from sqlalchemy import select

from tests.fixtures.floor import WRI_CHAIR, body
from tests.fixtures.people import person
from tests.meetings.test_screen_visibility import screens
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.extensions import db
from voting.meetings.calendar import CalendarFeed
from voting.meetings.models import Meeting
from voting.meetings.services import meetings
from voting.membership.services.tokens import digest

MEMBER = "xenia@wri.example"  # a WRI member
OUTSIDER = "sam@wsm.example"  # signed in, of another organisation


def scheduled(when: datetime, slug: str = "conference") -> Meeting:
    return meetings.schedule_meeting(
        person(WRI_CHAIR), body("wri", slug), title="Council; spring, 2027", scheduled_for=when
    )


def events_of(answer: Any) -> list[Any]:
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.content_type == "text/calendar; charset=utf-8"
    return list(Calendar.from_ical(answer.get_data()).walk("VEVENT"))


def test_the_calendar_file_holds_the_meeting_in_utc(live: Flask, signed_in: Any) -> None:
    # Scheduled at 18:30 in a zone two hours ahead of UTC: 16:30 UTC.
    when = (utcnow() + timedelta(days=30)).replace(hour=18, minute=30, second=0, microsecond=0)
    local = when.replace(tzinfo=timezone(timedelta(hours=2)))
    meeting = scheduled(local)
    answer = signed_in(MEMBER).get(f"/meetings/{meeting.id}.ics")
    [event] = events_of(answer)
    start = event["DTSTART"].dt
    assert start == local
    assert start.utcoffset() == timedelta(0)  # written in UTC
    assert (start.hour, start.minute) == (16, 30)
    assert f"DTSTART:{local.astimezone(UTC):%Y%m%dT%H%M%S}Z" in answer.get_data(as_text=True)
    assert str(event["SUMMARY"]) == "Council; spring, 2027"  # escaped and read back whole
    assert "Meeting of Conference, War Resisters' International" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == f"http://localhost/meetings/{meeting.id}"
    assert str(event["UID"]) == f"meeting-{meeting.id}@localhost"
    assert 'filename="meeting-' in answer.headers["Content-Disposition"]


def test_the_uid_is_stable_and_each_meeting_has_its_own(live: Flask, signed_in: Any) -> None:
    first = scheduled(utcnow() + timedelta(days=20))
    second = scheduled(utcnow() + timedelta(days=21))
    client = signed_in(MEMBER)
    uids = [str(events_of(client.get(f"/meetings/{m.id}.ics"))[0]["UID"]) for m in (first, first)]
    assert uids[0] == uids[1]
    [other] = events_of(client.get(f"/meetings/{second.id}.ics"))
    assert str(other["UID"]) != uids[0]


@pytest.mark.parametrize(
    ("setting", "who", "expected"),
    [
        ("public", None, 200),
        ("public", OUTSIDER, 200),
        ("organisation", None, 302),  # to the sign-in page
        ("organisation", OUTSIDER, 403),
        ("organisation", MEMBER, 200),
    ],
)
def test_the_file_follows_who_may_see_the_meeting(
    live: Flask, signed_in: Any, setting: str, who: str | None, expected: int
) -> None:
    meeting = scheduled(utcnow() + timedelta(days=10))
    screens(meeting, setting)
    client = live.test_client() if who is None else signed_in(who)
    answer = client.get(f"/meetings/{meeting.id}.ics")
    assert answer.status_code == expected
    if expected != 200:
        assert b"BEGIN:VCALENDAR" not in answer.get_data()
        assert b"Council" not in answer.get_data()
    if expected == 302:
        assert "/login?next=" in answer.location


def test_a_meeting_for_those_attending_is_refused_to_other_members(
    live: Flask, signed_in: Any
) -> None:
    executive = scheduled(utcnow() + timedelta(days=10), slug="executive")
    assert executive.body.settings.screens == "attending"
    refused = signed_in("xavier@wri.example").get(f"/meetings/{executive.id}.ics")
    assert refused.status_code == 403
    assert len(events_of(signed_in(WRI_CHAIR).get(f"/meetings/{executive.id}.ics"))) == 1


def test_an_unknown_meeting_is_not_found(live: Flask, signed_in: Any) -> None:
    assert signed_in(MEMBER).get("/meetings/999999.ics").status_code == 404


def test_the_meeting_list_offers_each_meeting_to_a_calendar(live: Flask, signed_in: Any) -> None:
    meeting = scheduled(utcnow() + timedelta(days=10))
    page = signed_in(MEMBER).get("/org/wri/meetings").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}.ics"' in page
    assert "Add to calendar" in page
    assert 'href="/calendar"' in page  # the person's feed


# --- A person's feed of their meetings, at a secret address ---

FEED = re.compile(r'value="http://localhost(/calendar/[^"]+\.ics)"')


def feed_address(client: Any) -> str:
    page = client.post("/calendar/feed")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    found = FEED.search(page.get_data(as_text=True))
    assert found, "no feed address on the page"
    return found.group(1)


def test_a_feed_holds_the_meetings_of_ones_bodies_and_no_others(
    live: Flask, signed_in: Any
) -> None:
    conference = scheduled(utcnow() + timedelta(days=5))
    executive = scheduled(utcnow() + timedelta(days=6), slug="executive")  # not Xenia's
    elsewhere = meetings.schedule_meeting(
        person("sam@wsm.example"),
        body("wsm", "conference"),
        title="Another organisation's",
        scheduled_for=utcnow() + timedelta(days=7),
    )
    address = feed_address(signed_in(MEMBER))
    answer = live.test_client().get(address)  # a calendar program: no session
    uids = {str(e["UID"]) for e in events_of(answer)}
    assert f"meeting-{conference.id}@localhost" in uids
    assert f"meeting-{executive.id}@localhost" not in uids
    assert f"meeting-{elsewhere.id}@localhost" not in uids
    # The chair's feed has the executive's meeting: they chair it.
    chair_feed = live.test_client().get(feed_address(signed_in(WRI_CHAIR)))
    assert f"meeting-{executive.id}@localhost" in {str(e["UID"]) for e in events_of(chair_feed)}


def test_the_feed_secret_is_shown_once_and_stored_as_its_digest(
    live: Flask, signed_in: Any
) -> None:
    client = signed_in(MEMBER)
    address = feed_address(client)
    secret = address.removeprefix("/calendar/").removesuffix(".ics")
    [stored] = db.session.scalars(select(CalendarFeed)).all()
    assert stored.key_hash == digest(secret) != secret
    again = client.get("/calendar").get_data(as_text=True)
    assert secret not in again
    assert "You made a feed address on" in again


def test_a_new_address_ends_the_old_and_stopping_ends_it(live: Flask, signed_in: Any) -> None:
    client = signed_in(MEMBER)
    old = feed_address(client)
    new = feed_address(client)
    anyone = live.test_client()
    assert anyone.get(old).status_code == 404
    assert anyone.get(new).status_code == 200
    assert client.post("/calendar/feed/stop").status_code == 303
    assert anyone.get(new).status_code == 404
    assert anyone.get("/calendar/not-a-secret.ics").status_code == 404


def test_a_switched_off_account_has_no_feed(live: Flask, signed_in: Any) -> None:
    address = feed_address(signed_in(MEMBER))
    with transaction():
        person(MEMBER).is_active_account = False
    assert live.test_client().get(address).status_code == 404


def test_making_a_feed_needs_a_sign_in(live: Flask) -> None:
    refused = live.test_client().post("/calendar/feed")
    assert refused.status_code == 302 and "/login" in refused.location
    assert db.session.scalars(select(CalendarFeed)).all() == []
