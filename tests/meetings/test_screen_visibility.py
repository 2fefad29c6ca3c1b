"""Who sees a meeting's screens: the body's `screens` setting (public, members of the
organisation, those attending), names of who answered a test for agreement kept from
anyone not signed in, the projector's own display link, and the check-in code shown
only in the hall and to those who check people in.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.floor import WRI_CHAIR, WRI_SECRETARY, motion_of, new_meeting
from tests.fixtures.people import bearer, person
from voting.core.audit import AuditEvent
from voting.core.extensions import db
from voting.meetings.models import Meeting, PollKind
from voting.meetings.permissions import check_in_of
from voting.meetings.services import agenda, consensus, floor, meetings
from voting.org.services.bodies import update_body_settings

REMOTE_MEMBER = "xenia@wri.example"  # a WRI member at home, not checked in
OUTSIDER = "sam@wsm.example"  # signed in, of another organisation
PAGES = ("/observe", "/projector", "/state", "/polls")


def screens(meeting: Meeting, setting: str) -> None:
    """The WRI secretary (an admin) sets who sees the body's meeting screens."""
    update_body_settings(person(WRI_SECRETARY), meeting.body, {"screens": setting}, merge=True)


def events(sock: Any, name: str) -> list[dict[str, Any]]:
    return [e["args"][0] for e in sock.get_received() if e["name"] == name]


def join(sock: Any, meeting: Meeting, view: str, **more: Any) -> dict[str, Any]:
    return sock.emit("join", {"meeting": meeting.id, "view": view, **more}, callback=True)


def answered_test(meeting: Meeting, signed_in: Any) -> Any:
    """The motion under discussion, tested for agreement: Quinn blocks, Yusuf has
    reservations, each with a reason."""
    chair = person(WRI_CHAIR)
    motion = motion_of(meeting)
    agenda.open_item(chair, motion.item)
    test = consensus.open_test(chair, motion)
    for email, response, reason in (
        ("quinn@wri.example", "block", "Not without the sections"),
        ("yusuf@wri.example", "reservations", "Mind the budget"),
    ):
        meetings.check_in(person(email), meeting, meeting.join_code)
        consensus.answer(person(email), test, response, reason)
    return test


# --- The attack: the check-in code read off a screen, from home ---------------------------------


@pytest.mark.parametrize("setting", ["public", "organisation"])
def test_a_member_at_home_cannot_check_in_with_a_code_read_off_the_screens(
    live: Flask, conference: Meeting, signed_in: Any, socket_for: Any, setting: str
) -> None:
    """Whatever the body lets people see, nothing reached from outside the hall carries
    the check-in code: not the pages, not the JSON state, not the live pushes."""
    screens(conference, setting)
    anonymous, at_home = live.test_client(), signed_in(REMOTE_MEMBER)
    seen: list[str] = []
    for client in (anonymous, at_home):
        for page in PAGES:
            seen.append(client.get(f"/meetings/{conference.id}{page}").get_data(as_text=True))
        sock = socket_for(None if client is anonymous else client)
        for view in ("projector", "observer", "state"):
            join(sock, conference, view, version=0)
        agenda.open_item(person(WRI_CHAIR), conference.items[0])  # something is pushed
        seen.extend(str(e["args"]) for e in sock.get_received())

    everything = "\n".join(seen)
    assert conference.join_code not in everything
    codes = set(re.findall(r"code=([\w-]+)", everything))
    for code in codes:  # whatever looks like one, tried from home
        at_home.post(f"/meetings/{conference.id}/check-in", data={"code": code})
    assert check_in_of(person(REMOTE_MEMBER), conference) is None

    # The code is where it belongs: the hall's projector (its display link) and the chair.
    hall = anonymous.get(f"/meetings/{conference.id}/projector/{conference.display_token}")
    assert conference.join_code in hall.get_data(as_text=True)
    chair = signed_in(WRI_CHAIR).get(f"/meetings/{conference.id}/chair").get_data(as_text=True)
    assert conference.join_code in chair


def test_the_code_is_not_on_the_hall_projector_once_the_meeting_is_closed(
    live: Flask, conference: Meeting
) -> None:
    meetings.close_meeting(person(WRI_CHAIR), conference)
    hall = live.test_client().get(f"/meetings/{conference.id}/projector/{conference.display_token}")
    assert hall.status_code == 200
    assert conference.join_code not in hall.get_data(as_text=True)


# --- Who may watch -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "who", "expected"),
    [
        ("public", None, 200),
        ("public", OUTSIDER, 200),
        ("organisation", None, "sign in"),
        ("organisation", OUTSIDER, 403),
        ("organisation", REMOTE_MEMBER, 200),
    ],
)
def test_the_screens_follow_the_body_setting(
    live: Flask,
    conference: Meeting,
    signed_in: Any,
    socket_for: Any,
    setting: str,
    who: str | None,
    expected: int | str,
) -> None:
    screens(conference, setting)
    poll = floor.create_poll(
        person(WRI_CHAIR), conference, question="Break for lunch now?", kind=PollKind.PROCEDURAL
    )
    client: FlaskClient = live.test_client() if who is None else signed_in(who)
    for page in (*PAGES, f"/polls/{poll.id}/result"):
        path = page if page.startswith("/polls/") else f"/meetings/{conference.id}{page}"
        answer = client.get(path)
        if expected == "sign in":
            if page == "/state":  # read by scripts: a 401 with the sentence
                assert answer.status_code == 401
                assert answer.json["error"]["message"] == "Sign in to see this meeting's screens."
            else:
                assert answer.status_code == 302 and "/login?next=" in answer.location
        else:
            assert answer.status_code == expected, path
        if expected == 403:
            assert "are for members of War Resisters" in answer.get_data(as_text=True)

    sock = socket_for(None if who is None else client)
    for view in ("observer", "projector", "state"):
        reply = join(sock, conference, view)
        if expected == 200:
            assert reply.get("ok") is True, (view, reply)
        elif expected == "sign in":
            assert reply["error"]["message"] == "Sign in to see this meeting's screens."
        else:
            assert "are for members of War Resisters" in reply["error"]["message"]
            assert events(sock, "fragments") == []  # refused: nothing was sent
    if who is not None:
        api = live.test_client().get(f"/api/v1/meetings/{conference.id}", headers=bearer(who))
        assert api.status_code == expected
        polls = live.test_client().get(
            f"/api/v1/meetings/{conference.id}/polls", headers=bearer(who)
        )
        assert polls.status_code == expected


def test_a_meeting_for_those_attending_is_closed_to_other_members(
    live: Flask, signed_in: Any, socket_for: Any
) -> None:
    """The WRI Executive Committee's screens are for those attending (its preset): its
    officers and chair, and the secretary who checks them in; not every WRI member."""
    executive = new_meeting("wri", "executive", WRI_CHAIR, "Budget")
    assert executive.body.settings.screens == "attending"
    member = signed_in("xavier@wri.example")  # a WRI member, not on the committee
    refused = member.get(f"/meetings/{executive.id}/observe")
    assert refused.status_code == 403
    assert "for those attending it" in refused.get_data(as_text=True)
    ack = join(socket_for(member), executive, "observer")
    assert ack["error"]["message"] == "The screens of this meeting are for those attending it."
    for email in (WRI_CHAIR, WRI_SECRETARY):
        assert signed_in(email).get(f"/meetings/{executive.id}/observe").status_code == 200
    assert live.test_client().get(f"/meetings/{executive.id}/observe").status_code == 302
    hall = f"/meetings/{executive.id}/projector/{executive.display_token}"
    assert live.test_client().get(hall).status_code == 200  # the display link, as ever


# --- Names of who answered what ----------------------------------------------------------------


def test_names_never_reach_a_screen_watched_without_signing_in(
    live: Flask, conference: Meeting, signed_in: Any, socket_for: Any
) -> None:
    """A public conference: the audience sees the counts and why the block stands, not
    who blocked; members signed in see the names as the body wants; the projector, on
    the hall's wall, names nobody."""
    screens(conference, "public")
    anonymous = live.test_client()
    observer = socket_for(None)
    assert join(observer, conference, "observer")["ok"]
    state = socket_for(None)
    assert join(state, conference, "state")["ok"]
    test = answered_test(conference, signed_in)
    consensus.close_test(person(WRI_CHAIR), test)
    assert "Quinn Rep" in test.summary  # the record names who blocked

    page = anonymous.get(f"/meetings/{conference.id}/observe").get_data(as_text=True)
    hall = anonymous.get(f"/meetings/{conference.id}/projector/{conference.display_token}")
    pushed = [e["html"] for e in events(observer, "fragments")]
    states = events(state, "state")
    anonymous_state = anonymous.get(f"/meetings/{conference.id}/state").json
    for shown in (page, hall.get_data(as_text=True), *pushed, str(states), str(anonymous_state)):
        assert "Quinn" not in shown and "Yusuf" not in shown
        assert "Mind the budget" not in shown  # a reservation's reason stays with members
    for shown in (page, pushed[-1]):
        assert "Not without the sections" in shown  # why the block stands, unnamed
    assert states[-1]["consensus"]["counts"]["block"] == 1
    assert states[-1]["consensus"]["names"] is None
    assert states[-1]["consensus"]["summary"] is None
    assert anonymous_state["consensus"]["names"] is None

    member = signed_in(REMOTE_MEMBER)
    seen = member.get(f"/meetings/{conference.id}/observe").get_data(as_text=True)
    assert "Quinn Rep" in seen and "Mind the budget" in seen  # the WRI shows names
    assert member.get(f"/meetings/{conference.id}/state").json["consensus"]["names"]["block"] == [
        "Quinn Rep"
    ]
    chair = signed_in(WRI_CHAIR).get(f"/meetings/{conference.id}/chair").get_data(as_text=True)
    assert "Quinn Rep" in chair


def test_a_screen_kept_to_members_shows_no_reasons_to_the_hall(
    live: Flask, conference: Meeting, signed_in: Any
) -> None:
    answered_test(conference, signed_in)  # the WRI conference: screens for its members
    hall = live.test_client().get(f"/meetings/{conference.id}/projector/{conference.display_token}")
    shown = hall.get_data(as_text=True)
    assert "Quinn" not in shown and "Not without the sections" not in shown
    assert 'data-count="block">1<' in shown


# --- The projector's display link ---------------------------------------------------------


def test_the_chair_gives_the_projector_a_new_link_and_the_old_one_stops_working(
    live: Flask, conference: Meeting, signed_in: Any, socket_for: Any
) -> None:
    old = conference.display_token
    chair = signed_in(WRI_CHAIR)
    console = chair.get(f"/meetings/{conference.id}/chair").get_data(as_text=True)
    assert f"/meetings/{conference.id}/projector/{old}" in console
    hall = live.test_client().get(f"/meetings/{conference.id}/projector/{old}")
    assert hall.status_code == 200 and hall.headers["Referrer-Policy"] == "no-referrer"
    projector = socket_for(None)
    assert join(projector, conference, "projector", display=old)["ok"]
    projector.get_received()
    assert "error" in join(socket_for(None), conference, "projector", display="guessed")

    made = chair.post(f"/meetings/{conference.id}/display-link")
    assert made.status_code == 303 and made.location.endswith("#display-link")
    new = db.session.get(Meeting, conference.id).display_token
    assert new != old
    assert [e["name"] for e in projector.get_received()] == ["display_ended"]
    agenda.open_item(person(WRI_CHAIR), conference.items[0])
    assert events(projector, "fragments") == []  # out of the room
    gone = live.test_client().get(f"/meetings/{conference.id}/projector/{old}")
    assert gone.status_code == 404
    assert "ask the chair for the current one" in gone.get_data(as_text=True)
    again = join(socket_for(None), conference, "projector", display=old)
    assert "ask the chair for the current one" in again["error"]["message"]
    assert live.test_client().get(f"/meetings/{conference.id}/projector/{new}").status_code == 200
    assert db.session.query(AuditEvent).filter_by(action="meeting.display_link").count() == 1

    # The same through the API, for the chair only.
    refused = live.test_client().post(
        f"/api/v1/meetings/{conference.id}/display-link", headers=bearer(REMOTE_MEMBER)
    )
    assert refused.status_code == 403
    api = live.test_client().post(
        f"/api/v1/meetings/{conference.id}/display-link", headers=bearer(WRI_CHAIR)
    )
    assert api.status_code == 200
    latest = db.session.get(Meeting, conference.id).display_token
    assert latest != new and api.json["url"].endswith(f"/projector/{latest}")
    assert live.test_client().get(f"/meetings/{conference.id}/projector/{new}").status_code == 404


def test_a_member_cannot_give_the_projector_a_new_link(
    live: Flask, conference: Meeting, signed_in: Any
) -> None:
    old = conference.display_token
    signed_in(REMOTE_MEMBER).post(f"/meetings/{conference.id}/display-link")
    assert db.session.get(Meeting, conference.id).display_token == old


def test_the_setting_takes_one_of_three_values(live: Flask, conference: Meeting) -> None:
    from voting.core.errors import Invalid

    with pytest.raises(Invalid):
        screens(conference, "everyone")
    assert db.session.get(Meeting, conference.id).body.settings.screens == "organisation"


def test_a_teller_for_one_body_is_its_staff_and_no_other_bodys(
    live: Flask, conference: Meeting, signed_in: Any
) -> None:
    """A teller appointed for the Executive only checks people in there: they see its
    screens (kept to those attending) and its check-in code, not the conference's code."""
    from voting.membership.services.members import assign_role
    from voting.org.services.organisations import by_slug

    executive = new_meeting("wri", "executive", WRI_CHAIR, "Budget")
    wri = by_slug("wri")
    teller = "xenia@wri.example"
    assign_role(
        person(WRI_SECRETARY),
        wri,
        {"email": teller, "kind": "teller", "body": executive.body.slug},
    )
    db.session.commit()
    client = signed_in(teller)
    page = client.get(f"/meetings/{executive.id}/observe")
    assert page.status_code == 200
    assert executive.join_code in page.get_data(as_text=True)
    other = client.get(f"/meetings/{conference.id}/observe").get_data(as_text=True)
    assert conference.join_code not in other
