"""Meeting pages without JavaScript (plain forms), the screens, and the JSON API."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.fixtures.people import person, token_for
from voting.core.columns import utcnow
from voting.meetings.services import agenda, consensus

CHAIR = "chris@wri.example"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(page) -> str:  # type: ignore[no-untyped-def]
    found = TOKEN.search(page.get_data(as_text=True))
    assert found, "no CSRF token on the page"
    return found.group(1)


def motion_item(meeting):  # type: ignore[no-untyped-def]
    return next(i for i in meeting.items if i.motions)


def test_a_member_checks_in_and_answers_with_plain_forms(live, conference, signed_in) -> None:
    live.config["WTF_CSRF_ENABLED"] = True
    phone = signed_in("xavier@wri.example")
    link = f"/meetings/{conference.id}/check-in?code={conference.join_code}&via=qr"
    page = phone.get(link)
    assert page.status_code == 200
    assert f'value="{conference.join_code}"' in page.get_data(as_text=True)
    done = phone.post(
        f"/meetings/{conference.id}/check-in",
        data={"code": conference.join_code, "via": "qr", "csrf_token": token(page)},
    )
    assert done.status_code == 303

    item = motion_item(conference)
    agenda.open_item(person(CHAIR), item)
    test = consensus.open_test(person(CHAIR), item.motions[0])
    page = phone.get(f"/meetings/{conference.id}")
    html = page.get_data(as_text=True)
    assert "Test for agreement" in html and "You have not answered yet." in html
    answered = phone.post(
        f"/tests/{test.id}/answer",
        data={"response": "stand_aside", "reason": "not my section", "csrf_token": token(page)},
        headers={"Referer": f"http://localhost/meetings/{conference.id}"},
    )
    assert answered.status_code == 303
    html = phone.get(f"/meetings/{conference.id}").get_data(as_text=True)
    assert 'data-my-answer="stand_aside"' in html and "not my section" in html


def test_an_answer_without_the_form_token_is_refused_and_not_counted(
    live, conference, signed_in
) -> None:
    live.config["WTF_CSRF_ENABLED"] = True
    phone = signed_in("xavier@wri.example")
    item = motion_item(conference)
    agenda.open_item(person(CHAIR), item)
    test = consensus.open_test(person(CHAIR), item.motions[0])
    refused = phone.post(f"/tests/{test.id}/answer", data={"response": "block"})
    assert refused.status_code == 400
    assert "Nothing was saved" in refused.get_data(as_text=True)
    assert test.answers == []


def test_answering_a_closed_test_says_so(live, conference, signed_in) -> None:
    phone = signed_in("xavier@wri.example")
    phone.post(f"/meetings/{conference.id}/check-in", data={"code": conference.join_code})
    item = motion_item(conference)
    agenda.open_item(person(CHAIR), item)
    test = consensus.open_test(person(CHAIR), item.motions[0])
    consensus.close_test(person(CHAIR), test)
    answer = phone.post(f"/tests/{test.id}/answer", data={"response": "agree"})
    assert answer.status_code == 303
    page = phone.get(f"/meetings/{conference.id}").get_data(as_text=True)
    assert "This test for agreement is closed." in page


def test_a_bad_item_comes_back_with_what_was_typed(live, conference, signed_in) -> None:
    phone = signed_in("xavier@wri.example")
    page = phone.post(
        f"/meetings/{conference.id}/items",
        data={"section": "", "title": " ", "description": "Keep this text"},
    )
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Give the item a title." in html and "Keep this text" in html
    assert 'aria-describedby="item-title-error"' in html


def test_the_screens_each_show_their_part(live, conference, signed_in) -> None:
    anonymous = live.test_client()
    hall = f"/meetings/{conference.id}/projector/{conference.display_token}"
    projector = anonymous.get(hall).get_data(as_text=True)
    assert "<svg" in projector and "Scan to check in" in projector
    assert "csrf_token" not in projector.split("<main", 1)[1]  # nothing to press
    for page in ("", "/observe", "/projector"):  # the WRI conference: for its members
        assert anonymous.get(f"/meetings/{conference.id}{page}").status_code == 302
    member = signed_in("xavier@wri.example")
    assert member.get(f"/meetings/{conference.id}/observe").status_code == 200
    assert member.get(f"/meetings/{conference.id}/chair").status_code == 403
    console = signed_in(CHAIR).get(f"/meetings/{conference.id}/chair").get_data(as_text=True)
    assert "Open discussion" in console and "Close the meeting" in console
    assert anonymous.get("/meetings/999/observe").status_code == 404


def test_a_chair_schedules_a_meeting_at_short_notice_from_the_list(live, signed_in) -> None:
    sam = signed_in("sam@wsm.example")
    when = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    done = sam.post(
        "/org/wsm/meetings",
        data={"body": "delegate-council", "title": "Council", "scheduled_for": when},
    )
    assert done.status_code == 303
    listing = sam.get("/org/wsm/meetings").get_data(as_text=True)
    assert "Council" in listing and "short notice" in listing
    bad = sam.post("/org/wsm/meetings", data={"body": "delegate-council", "title": "x"})
    assert bad.status_code == 422 and "Give the date and time" in bad.get_data(as_text=True)


def test_an_admin_for_one_body_is_offered_to_schedule_its_meetings_only(live, signed_in) -> None:
    import re as _re

    from voting.core.extensions import db
    from voting.membership.services.members import assign_role
    from voting.org.services.organisations import by_slug

    assign_role(
        person("sam@wsm.example"),
        by_slug("wsm"),
        {"email": "mo@wsm.example", "kind": "admin", "body": "delegate-council"},
    )
    db.session.commit()
    listing = signed_in("mo@wsm.example").get("/org/wsm/meetings").get_data(as_text=True)
    offered = _re.findall(
        r'<option value="([^"]+)"', listing.split('name="body"')[1].split("</select>")[0]
    )
    assert offered == ["delegate-council"]


def test_the_api_runs_an_item_through_a_test_for_agreement(live, conference) -> None:
    chair = {"Authorization": f"Bearer {token_for(CHAIR)}"}
    member = {"Authorization": f"Bearer {token_for('quinn@wri.example')}"}
    client = live.test_client()
    item = motion_item(conference)
    base = "/api/v1"
    refused = client.post(f"{base}/items/{item.id}/open", headers=member)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"] == "Only the chair can do this."
    assert client.post(f"{base}/items/{item.id}/open", headers=chair).status_code == 200
    joined = client.post(
        f"{base}/meetings/{conference.id}/check-in",
        headers=member,
        json={"code": conference.join_code},
    )
    assert joined.status_code == 200
    hand = client.post(f"{base}/items/{item.id}/hands", headers=member, json={"kind": "question"})
    assert hand.status_code == 201
    test = client.post(
        f"{base}/motions/{item.motions[0].id}/tests", headers=chair, json={"minutes": 5}
    )
    assert test.status_code == 201
    test_id = test.get_json()["id"]
    answer = client.post(
        f"{base}/tests/{test_id}/answer", headers=member, json={"response": "block"}
    )
    assert answer.status_code == 200
    state = client.get(f"{base}/meetings/{conference.id}", headers=member).get_json()
    assert state["consensus"]["counts"]["block"] == 1
    assert state["queue"][0]["name"] == "Quinn Rep"
    closed = client.post(f"{base}/tests/{test_id}/close", headers=chair).get_json()
    assert closed["outcome"] == "no_consensus"
    late = client.post(f"{base}/tests/{test_id}/answer", headers=member, json={"response": "agree"})
    assert late.status_code == 409
    doc = client.get(f"{base}/openapi.json").get_json()
    assert "/tests/{test_id}/answer" in doc["paths"]
