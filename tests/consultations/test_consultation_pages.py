"""The consultation pages: a facilitator prepares one with a form, a member finds it on
the home page and answers with plain forms; refusals keep what was typed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from flask import Flask

from tests.fixtures.floor import body
from tests.fixtures.people import person
from voting.ballots.services import polls
from voting.consultations.models import Consultation
from voting.consultations.services import consultations as service
from voting.core.extensions import db
from voting.membership.services.members import assign_role
from voting.org.services.organisations import by_slug

START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def text(answer) -> str:  # type: ignore[no-untyped-def]
    return answer.get_data(as_text=True)


def test_a_facilitator_prepares_and_a_member_answers_through_the_pages(
    live: Flask, signed_in
) -> None:
    with time_machine.travel(START, tick=False):
        wri = by_slug("wri")
        assign_role(
            person("ana@wri.example"),
            wri,
            {"email": "xenia@wri.example", "kind": "officer", "body": "executive"},
        )
        db.session.commit()
        ana = signed_in("ana@wri.example")
        form = ana.get("/org/wri/consultations/new")
        assert form.status_code == 200 and "Prepare a consultation" in text(form)
        refused = ana.post(
            "/org/wri/consultations/new",
            data={
                "body": "executive",
                "title": "Budget 2027",
                "proposal": "Adopt it.",
                "closes_at": "2027-01-10T18:00",
                "time_zone": "",
            },
        )
        assert refused.status_code == 422
        assert "time zone" in text(refused) and 'value="Budget 2027"' in text(refused)
        made = ana.post(
            "/org/wri/consultations/new",
            data={
                "body": "executive",
                "title": "Budget 2027",
                "proposal": "Adopt it.",
                "closes_at": "2027-01-10T18:00",
                "time_zone": "Europe/Dublin",
                "reasons": "required",
                "vote_mode": "open",
                "vote_days": "7",
            },
        )
        assert made.status_code == 303
        consultation = db.session.scalars(db.select(Consultation)).one()
        assert consultation.is_open

        xenia = signed_in("xenia@wri.example")
        home = text(xenia.get("/"))
        assert "What needs you" in home and "Budget 2027" in home and ">Answer<" in home
        page = text(xenia.get(f"/consultations/{consultation.id}"))
        assert "Your answer" in page and "Adopt it." in page
        no_reason = xenia.post(
            f"/consultations/{consultation.id}/answer", data={"response": "block"}
        )
        assert no_reason.status_code == 422 and "Give your reason" in text(no_reason)
        sent = xenia.post(
            f"/consultations/{consultation.id}/answer",
            data={"response": "block", "reason": "Too much on travel"},
        )
        assert sent.status_code == 303
        assert 'data-my-answer="block"' in text(xenia.get(f"/consultations/{consultation.id}"))
        assert "Change your answer" in text(xenia.get("/"))
        posted = xenia.post(
            f"/consultations/{consultation.id}/comments", data={"text": "Cut travel."}
        )
        assert posted.status_code == 303
        assert "Cut travel." in text(ana.get(f"/consultations/{consultation.id}"))

        outsider = signed_in("sam@wsm.example")
        assert outsider.get(f"/consultations/{consultation.id}").status_code == 404
        member = signed_in("pia@wri.example")  # a WRI member, not on the Executive
        watched = text(member.get(f"/consultations/{consultation.id}"))
        assert "not on this consultation's roll" in watched
        assert (
            member.post(
                f"/consultations/{consultation.id}/answer", data={"response": "agree"}
            ).status_code
            == 403
        )


def test_a_meeting_in_session_comes_first_on_the_home_page(
    live: Flask, conference, signed_in
) -> None:
    from voting.meetings.services import meetings

    assert conference.status.value == "open"
    xavier = signed_in("xavier@wri.example")
    home = text(xavier.get("/"))
    assert "What needs you" in home and conference.title in home and "Join the meeting" in home
    meetings.check_in(person("xavier@wri.example"), conference, conference.join_code)
    assert "Back to the meeting" in text(xavier.get("/"))


def test_a_secret_vote_is_counted_with_the_teller_key_after_a_restart(
    live: Flask, signed_in
) -> None:
    from tests.fixtures.floor import body
    from voting.ballots import sealing
    from voting.consultations.services import consultations as service
    from voting.core.columns import utcnow

    wri = by_slug("wri")
    assign_role(
        person("ana@wri.example"),
        wri,
        {"email": "xenia@wri.example", "kind": "officer", "body": "executive"},
    )
    db.session.commit()
    consultation = service.create_consultation(
        person("ana@wri.example"),
        body("wri", "executive"),
        {
            "title": "Budget",
            "proposal": "Adopt it.",
            "vote_mode": "secret",
            "closes_at": (utcnow() + __import__("datetime").timedelta(days=2)).isoformat(),
        },
    )
    service.answer(person("xenia@wri.example"), consultation, "block", "No")
    service.close(person("ana@wri.example"), consultation)
    poll = consultation.poll
    ana = signed_in("ana@wri.example")
    shown = ana.post(f"/consultations/{consultation.id}/teller-key")
    assert shown.headers["Cache-Control"] == "no-store"
    key = re.search(r"<code>([^<]+)</code>", text(shown)).group(1)  # type: ignore[union-attr]
    assert "Take the teller key" not in text(ana.get(f"/consultations/{consultation.id}"))  # once
    signed_in("xenia@wri.example").post(
        f"/consultations/{consultation.id}/ballot", data={"choice": "no"}
    )
    sealing.forget(poll.seal_key)  # the server restarted: the key in memory is gone
    polls.close_poll(person("ana@wri.example"), poll)
    assert poll.status.value == "counting"
    page = text(ana.get(f"/consultations/{consultation.id}"))
    assert "its key is needed to count the vote" in page
    counted = ana.post(f"/consultations/{consultation.id}/teller-keys", data={"keys": key})
    assert counted.status_code == 303
    assert poll.status.value == "closed" and poll.result["totals"]["no"] == 1


def test_the_closing_time_goes_into_a_calendar_with_a_reminder(live: Flask, signed_in) -> None:
    from icalendar import Calendar

    consultation = service.create_consultation(
        person("ana@wri.example"),
        body("wri", "executive"),
        {"title": "Budget", "proposal": "Adopt it.", "closes_at": "2027-03-01T18:00+01:00"},
    )
    answer = signed_in("ana@wri.example").get(f"/consultations/{consultation.id}.ics")
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    event = Calendar.from_ical(answer.data).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2027, 3, 1, 17, 0, tzinfo=UTC)
    assert "Budget" in str(event["summary"])
    assert event.walk("VALARM")[0].decoded("trigger") == -timedelta(days=1)
    outsider = signed_in("sam@wsm.example").get(f"/consultations/{consultation.id}.ics")
    assert outsider.status_code == 404


def test_the_fallback_vote_waits_on_the_home_page_until_cast(live: Flask, signed_in) -> None:
    from voting.core.columns import utcnow

    wri = by_slug("wri")
    assign_role(
        person("ana@wri.example"),
        wri,
        {"email": "xenia@wri.example", "kind": "officer", "body": "executive"},
    )
    db.session.commit()
    consultation = service.create_consultation(
        person("ana@wri.example"),
        body("wri", "executive"),
        {
            "title": "Budget vote",
            "proposal": "Adopt it.",
            "vote_mode": "open",
            "closes_at": (utcnow() + timedelta(days=2)).isoformat(),
        },
    )
    service.answer(person("xenia@wri.example"), consultation, "block", "No")
    service.close(person("ana@wri.example"), consultation)
    xenia = signed_in("xenia@wri.example")
    home = text(xenia.get("/"))
    assert "Budget vote" in home and ">Vote<" in home
    polls.cast(person("xenia@wri.example"), consultation.poll, choice="no")
    assert "See your vote" in text(xenia.get("/"))
