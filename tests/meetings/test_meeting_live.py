"""Live updates over Socket.IO: rooms by screen and right, pushes with versions, resync,
and the actions a phone sends, acknowledged after they are committed.
"""

from __future__ import annotations

from typing import Any

from tests.fixtures.people import person
from voting.meetings.services import agenda, consensus

CHAIR = "chris@wri.example"


def events(sock: Any, name: str) -> list[dict[str, Any]]:
    return [e["args"][0] for e in sock.get_received() if e["name"] == name]


def motion_item(meeting):  # type: ignore[no-untyped-def]
    return next(i for i in meeting.items if i.motions)


def test_a_member_cannot_join_the_chair_console_nor_an_unknown_meeting(
    conference, signed_in, socket_for
) -> None:
    sock = socket_for(signed_in("xavier@wri.example"))
    refused = sock.emit("join", {"meeting": conference.id, "view": "chair"}, callback=True)
    assert refused["error"]["message"] == "You do not have the right to see this screen."
    missing = sock.emit("join", {"meeting": 999, "view": "observer"}, callback=True)
    assert missing["error"]["message"] == "No such meeting."
    garbled = sock.emit("join", {"meeting": "x; drop", "view": "observer"}, callback=True)
    assert "must be a number" in garbled["error"]["message"]
    assert sock.emit("join", "not an object", callback=True)["error"]
    anonymous = socket_for(None)
    assert "error" in anonymous.emit(
        "join", {"meeting": conference.id, "view": "member"}, callback=True
    )


def test_the_chair_opens_a_test_and_every_phone_receives_it_then_answers_count_live(
    conference, signed_in, socket_for
) -> None:
    chair_page = signed_in(CHAIR)
    chair = socket_for(chair_page)
    assert chair.emit("join", {"meeting": conference.id, "view": "chair"}, callback=True)["ok"]
    phones = []
    for email in ("xavier@wri.example", "yusuf@wri.example", "quinn@wri.example"):
        page = signed_in(email)
        page.post(f"/meetings/{conference.id}/check-in", data={"code": conference.join_code})
        phone = socket_for(page)
        reply = phone.emit(
            "join",
            {"meeting": conference.id, "view": "member", "version": conference.version},
            callback=True,
        )
        assert reply == {"ok": True, "version": conference.version}
        phones.append(phone)
    projector = socket_for(None)  # the hall's screen, opened by its display link
    assert projector.emit(
        "join",
        {"meeting": conference.id, "view": "projector", "display": conference.display_token},
        callback=True,
    )["ok"]
    api = socket_for(signed_in("pia@wri.example"))  # a member's client, following the state
    assert api.emit("join", {"meeting": conference.id, "view": "state"}, callback=True)["ok"]
    for sock in (chair, projector, api, *phones):
        sock.get_received()

    item = motion_item(conference)
    chair_page.post(f"/items/{item.id}/open")
    chair_page.post(f"/motions/{item.motions[0].id}/tests", data={"minutes": "15"})

    for phone in phones:
        pushed = events(phone, "fragments")
        assert pushed, "the phone was not told"
        last = pushed[-1]
        assert last["version"] > last["base"] >= 0
        assert 'hx-swap-oob="true"' in last["html"]
        assert "/answer" in last["html"]  # the answer buttons arrived
        assert "data-csrf" in last["html"] and 'csrf_token" value=""' in last["html"]
    assert "Record the outcome" in events(chair, "fragments")[-1]["html"]
    assert "/answer" not in events(projector, "fragments")[-1]["html"]

    test_id = api_test_id = events(api, "state")[-1]["consensus"]["test"]
    answers = ("agree", "reservations", "block")
    for phone, response in zip(phones, answers, strict=True):
        ack = phone.emit("answer", {"test": test_id, "response": response}, callback=True)
        assert ack.get("ok") is True, ack
    again = phones[2].emit("answer", {"test": test_id, "response": "block"}, callback=True)
    assert again["ok"] is True  # a phone resending is acknowledged, counted once

    counts = events(api, "state")[-1]["consensus"]["counts"]
    assert counts == {"agree": 1, "reservations": 1, "stand_aside": 0, "block": 1, "silent": 0}
    assert api_test_id == test_id
    chair_html = events(chair, "fragments")[-1]["html"]
    assert "Quinn Rep" in chair_html  # the WRI conference shows names
    mine = events(phones[2], "mine")[-1]["html"]
    assert f'id="my-answer-{test_id}" hx-swap-oob="innerHTML"' in mine
    assert 'data-my-answer="block"' in mine

    chair_page.post(f"/tests/{test_id}/close")
    final = events(api, "state")[-1]["consensus"]
    assert final["outcome"] == "no_consensus"
    assert "goes to the vote" in events(phones[0], "fragments")[-1]["html"]


def test_a_phone_without_the_right_is_refused_and_nothing_is_counted(
    conference, signed_in, socket_for
) -> None:
    chair = person(CHAIR)
    item = motion_item(conference)
    agenda.open_item(chair, item)
    test = consensus.open_test(chair, item.motions[0])
    phone = socket_for(signed_in("xavier@wri.example"))  # not checked in
    ack = phone.emit("answer", {"test": test.id, "response": "agree"}, callback=True)
    assert ack["error"]["message"] == "Check in to the meeting first."
    outsider = socket_for(None)
    ack = outsider.emit("raise_hand", {"item": item.id}, callback=True)
    assert ack["error"]["message"] == "You are not a member who can attend this meeting."
    assert consensus.result(test).agree == ()


def test_a_dropped_connection_mid_test_resyncs_and_loses_nothing(
    conference, signed_in, socket_for
) -> None:
    chair = person(CHAIR)
    item = motion_item(conference)
    agenda.open_item(chair, item)
    page = signed_in("xavier@wri.example")
    page.post(f"/meetings/{conference.id}/check-in", data={"code": conference.join_code})
    phone = socket_for(page)
    phone.emit("join", {"meeting": conference.id, "view": "member", "version": 0}, callback=True)
    test = consensus.open_test(chair, item.motions[0])
    assert phone.emit("answer", {"test": test.id, "response": "agree"}, callback=True)["ok"]
    phone.disconnect()

    consensus.answer(person("xavier@wri.example"), test, "agree")  # unchanged, idempotent
    seen = conference.version
    agenda.submit_item(chair, conference, section="", title="Late news", late_reason="news")

    back = socket_for(page)
    back.emit("join", {"meeting": conference.id, "view": "member", "version": seen}, callback=True)
    resync = events(back, "fragments")[-1]
    assert resync["base"] == -1 and resync["version"] == conference.version
    assert "Late news" in resync["html"]
    assert 'data-my-answer="agree"' in resync["html"]  # the answer is still there

    current = back.emit(
        "join",
        {"meeting": conference.id, "view": "member", "version": conference.version},
        callback=True,
    )
    assert current["ok"] and events(back, "fragments") == []  # up to date: nothing resent
    asked = back.emit("resync", {"meeting": conference.id, "view": "member"}, callback=True)
    assert asked["ok"] and events(back, "fragments")[-1]["base"] == -1


def test_raising_a_hand_over_the_socket_twice_is_one_request(
    conference, signed_in, socket_for
) -> None:
    item = motion_item(conference)
    agenda.open_item(person(CHAIR), item)
    page = signed_in("xavier@wri.example")
    page.post(f"/meetings/{conference.id}/check-in", data={"code": conference.join_code})
    phone = socket_for(page)
    phone.emit("join", {"meeting": conference.id, "view": "member", "version": 0}, callback=True)
    first = phone.emit("raise_hand", {"item": item.id, "viewpoint": "for"}, callback=True)
    second = phone.emit("raise_hand", {"item": item.id, "viewpoint": "for"}, callback=True)
    assert first["request"] == second["request"]
    mine = events(phone, "mine")[-1]["html"]
    assert 'data-my-hand="waiting"' in mine
    assert phone.emit("withdraw_hand", {"request": first["request"]}, callback=True)["ok"]
    assert "data-my-hand" not in events(phone, "mine")[-1]["html"]


def test_pushes_carry_the_version_they_follow_so_a_gap_can_be_seen(
    conference, signed_in, socket_for
) -> None:
    observer = socket_for(signed_in("pia@wri.example"))
    observer.emit("join", {"meeting": conference.id, "view": "observer"}, callback=True)
    observer.get_received()
    chair = person(CHAIR)
    agenda.open_item(chair, conference.items[0])
    agenda.close_item(chair, conference.items[0])
    first, second = events(observer, "fragments")
    assert second["base"] == first["version"]
    assert second["version"] == first["version"] + 1


def test_signing_out_closes_that_sign_ins_connections_and_no_other(
    conference, signed_in, socket_for
) -> None:
    """A phone left open after signing out elsewhere gets none of the person's own pushes."""
    laptop, phone_page = signed_in("xavier@wri.example"), signed_in("xavier@wri.example")
    phone_page.post(f"/meetings/{conference.id}/check-in", data={"code": conference.join_code})
    on_laptop, on_phone = socket_for(laptop), socket_for(phone_page)
    for sock in (on_laptop, on_phone):
        assert sock.emit("join", {"meeting": conference.id, "view": "member"}, callback=True)["ok"]
    assert laptop.post("/logout").status_code == 303
    assert not on_laptop.is_connected()
    assert on_phone.is_connected()  # another sign-in of the same person goes on


def test_a_new_password_closes_the_other_sign_ins_connections(
    conference, signed_in, socket_for
) -> None:
    from voting.demo import DEMO_PASSWORD

    desk, lost_phone = signed_in("yusuf@wri.example"), signed_in("yusuf@wri.example")
    on_desk, on_lost = socket_for(desk), socket_for(lost_phone)
    for sock in (on_desk, on_lost):
        assert sock.emit("join", {"meeting": conference.id, "view": "observer"}, callback=True)[
            "ok"
        ]
    changed = desk.post(
        "/account/password",
        data={
            "current_password": DEMO_PASSWORD,
            "password": "a long new password",
            "confirmation": "a long new password",
        },
    )
    assert changed.status_code == 303
    assert not on_lost.is_connected()
    assert on_desk.is_connected()  # the sign-in that made the change stays
