"""Poll pages as people use them on a phone: plain form posts, no JavaScript."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.fixtures.floor import (
    AWL_CHAIR,
    WRI_CHAIR,
    WRI_REPS,
    WRI_SECRETARY,
    WSM_CHAIR,
    check_in,
    motion_of,
    open_poll,
    unit,
)
from tests.fixtures.people import person
from voting.ballots.models import Poll, PollMode, PollStatus
from voting.ballots.services import polls
from voting.core.extensions import db
from voting.meetings.models import CardAssignment, Proxy
from voting.meetings.services import floor, representation

XAVIER, YUSUF, PIA, QUINN = WRI_REPS.values()


def test_wri_vote_from_the_chairs_form_to_the_result_chart(wri, signed_in) -> None:
    chair = signed_in(WRI_CHAIR)
    page = chair.get(f"/meetings/{wri.id}/polls")
    assert "Put a question to the vote" in page.text
    decided = chair.post(
        f"/motions/{motion_of(wri).id}/straight-to-vote",
        data={"reason": "The conference agreed to vote at once."},
    )
    assert decided.status_code == 303
    made = chair.post(
        f"/meetings/{wri.id}/polls", data={"motion": motion_of(wri).id, "mode": "open"}
    )
    assert made.status_code == 303
    poll = db.session.scalars(select(Poll)).one()
    controls = chair.get(f"/polls/{poll.id}/chair")
    assert "Xavier Rep holds 3 votes: 3 cards of Section X" in controls.text
    assert chair.post(f"/polls/{poll.id}/open").status_code == 303

    xavier = signed_in(XAVIER)
    ballot = xavier.get(f"/polls/{poll.id}")
    assert "You hold 3 votes: 3 cards of Section X" in ballot.text
    assert 'name="choice" value="yes"' in ballot.text
    for email, choice in ((XAVIER, "yes"), (YUSUF, "no"), (PIA, "yes"), (QUINN, "no")):
        client = xavier if email == XAVIER else signed_in(email)
        sent = client.post(f"/polls/{poll.id}/vote", data={"choice": choice})
        assert sent.status_code == 303
    after = xavier.get(f"/polls/{poll.id}")
    assert "Your vote is recorded." in after.text
    assert "4 of 4 votes cast (weight 7 of 7)" in after.text
    screen = xavier.get(f"/meetings/{wri.id}")
    assert 'id="meeting-poll"' in screen.text and "4 of 4 votes cast" in screen.text

    assert chair.post(f"/polls/{poll.id}/close").status_code == 303
    result = chair.get(f"/polls/{poll.id}/result")
    assert (
        "Carried: 4 votes to 3 (majority of votes cast needed: more than 3 1/2 of 7)" in result.text
    )
    assert 'role="img"' in result.text and "<title" in result.text
    assert re.search(r'data-total="yes">4<', result.text)
    assert re.search(r'data-total="no">3<', result.text)


def test_someone_without_a_vote_sees_why(wri, signed_in) -> None:
    poll = open_poll(wri, WRI_CHAIR, special="constitution_amendment")
    page = signed_in(QUINN).get(f"/polls/{poll.id}")
    assert "You hold no vote in this poll." in page.text
    assert "only section units vote" in page.text
    refused = signed_in(QUINN).post(f"/polls/{poll.id}/vote", data={"choice": "yes"})
    assert refused.status_code == 403
    assert "only section units vote" in refused.text


def test_a_secret_ballot_shows_the_tracker_once_and_publishes_it_after_close(
    awl, signed_in
) -> None:
    voters = ["pat@awl.example", "fay@awl.example", "ola@awl.example"]
    check_in(awl, *voters)
    poll = open_poll(awl, AWL_CHAIR, mode=PollMode.SECRET)
    pat = signed_in(voters[0])
    pat.post(f"/polls/{poll.id}/vote", data={"choice": "yes"})
    shown = pat.get(f"/polls/{poll.id}")
    tracker = re.search(r"data-tracker>([A-Z0-9-]+)<", shown.text).group(1)
    assert "data-tracker" not in pat.get(f"/polls/{poll.id}").text  # shown once
    signed_in(voters[1]).post(f"/polls/{poll.id}/vote", data={"choice": "no"})
    polls.close_poll(person(AWL_CHAIR), poll)
    result = pat.get(f"/polls/{poll.id}/result")
    assert polls.tracker_hash(tracker) in result.text
    assert "Who voted how" not in result.text


def test_the_chair_is_warned_before_a_revealing_secret_poll_opens(awl, signed_in) -> None:
    check_in(awl, "pat@awl.example", "fay@awl.example")
    poll = floor.create_poll(person(AWL_CHAIR), awl, motion=motion_of(awl), mode=PollMode.SECRET)
    chair = signed_in(AWL_CHAIR)
    assert "Only 2 voters" in chair.get(f"/polls/{poll.id}/chair").text
    warned = chair.post(f"/polls/{poll.id}/open")
    assert warned.status_code == 409 and "Open anyway" in warned.text
    assert db.session.get(Poll, poll.id).status is PollStatus.DRAFT
    assert chair.post(f"/polls/{poll.id}/open", data={"confirm_privacy": "1"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Poll, poll.id).status is PollStatus.OPEN


def test_a_delegate_confirms_a_vote_against_the_mandate(wsm, signed_in) -> None:
    representation.record_mandate(person(WSM_CHAIR), unit("wsm", "Galway"), motion_of(wsm), "no")
    poll = open_poll(wsm, WSM_CHAIR, mode=PollMode.NAMED)
    gal = signed_in("gal@wsm.example")
    assert "Mandate of Galway: vote against" in gal.get(f"/polls/{poll.id}").text
    asked = gal.post(f"/polls/{poll.id}/vote", data={"choice": "yes"})
    assert asked.status_code == 409
    assert 'name="confirm_against_mandate"' in asked.text
    done = gal.post(
        f"/polls/{poll.id}/vote", data={"choice": "yes", "confirm_against_mandate": "1"}
    )
    assert done.status_code == 303
    split = signed_in("dara@wsm.example").post(
        f"/polls/{poll.id}/vote",
        data={"split": "1", "key": poll_key(poll, "dara"), "split_yes": "9", "split_no": "8"},
    )
    assert split.status_code == 303
    polls.close_poll(person(WSM_CHAIR), poll)
    result = gal.get(f"/polls/{poll.id}/result")
    assert "Who voted how" in result.text and "voted against it" in result.text
    report = signed_in(WSM_CHAIR).get(f"/meetings/{wsm.id}/units/{unit('wsm', 'Galway').id}/report")
    assert "voted against the mandate" in report.text


def poll_key(poll: Poll, name: str) -> str:
    return next(e.voter_key for e in poll.entitlements if e.holder.email.startswith(name))


def test_the_secretary_assigns_cards_and_a_second_organisation_is_refused(wri, signed_in) -> None:
    secretary = signed_in(WRI_SECRETARY)
    page = secretary.get("/org/wri/cards")
    assert "Section X" in page.text and "Xavier Rep" in page.text
    refused = secretary.post(
        "/org/wri/cards",
        data={"unit": unit("wri", "Section Y").id, "email": XAVIER, "meeting": wri.id},
    )
    assert refused.status_code == 409
    assert (
        "No individual may hold voting cards on behalf of more than one organisation"
        in refused.text
    )
    assert 'aria-describedby="e-email"' in refused.text and XAVIER in refused.text
    ok = secretary.post(
        "/org/wri/cards",
        data={"unit": unit("wri", "Section X").id, "email": "xenia@wri.example", "cards": "1"},
    )
    assert ok.status_code == 303
    assert db.session.scalar(
        select(CardAssignment).where(CardAssignment.person_id == person("xenia@wri.example").id)
    )
    assert signed_in(XAVIER).get("/org/wri/cards").status_code == 403


def test_a_card_form_without_its_csrf_token_is_refused(wri, signed_in, live) -> None:
    live.config["WTF_CSRF_ENABLED"] = True
    secretary = signed_in(WRI_SECRETARY)
    sent = secretary.post(
        "/org/wri/cards", data={"unit": unit("wri", "Section X").id, "email": "xenia@wri.example"}
    )
    assert sent.status_code == 400
    page = secretary.get("/org/wri/cards")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    sent = secretary.post(
        "/org/wri/cards",
        data={
            "unit": unit("wri", "Section X").id,
            "email": "xenia@wri.example",
            "csrf_token": token,
        },
    )
    assert sent.status_code == 303


def test_a_withdrawn_member_gives_a_proxy_from_the_proxies_page(awl, signed_in) -> None:
    wes = signed_in("wes@awl.example")
    page = wes.get(f"/meetings/{awl.id}/proxies")
    assert "Give your vote to another member" in page.text
    bad = wes.post(f"/meetings/{awl.id}/proxies", data={"email": "nobody@awl.example"})
    assert bad.status_code == 422 and "nobody@awl.example" in bad.text
    sent = wes.post(
        f"/meetings/{awl.id}/proxies",
        data={"email": "pat@awl.example", "motion": motion_of(awl).id, "instruction": "yes"},
    )
    assert sent.status_code == 303
    proxy = db.session.scalars(select(Proxy)).one()
    assert proxy.instruction == "yes" and proxy.holder_id == person("pat@awl.example").id
    assert "Held by Pat Proxy" in wes.get(f"/meetings/{awl.id}/proxies").text
    wes.post(f"/proxies/{proxy.id}/revoke")
    db.session.expire_all()
    assert db.session.get(Proxy, proxy.id).revoked_at is not None


def test_the_chair_annuls_a_poll_from_its_page(wri, signed_in) -> None:
    poll = open_poll(wri, WRI_CHAIR)
    chair = signed_in(WRI_CHAIR)
    missing = chair.post(f"/polls/{poll.id}/annul", data={"reason": ""})
    assert missing.status_code == 422 and "Give the reason" in missing.text
    done = chair.post(f"/polls/{poll.id}/annul", data={"reason": "Wrong cards", "rerun": "1"})
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Poll, poll.id).annul_reason == "Wrong cards"
    assert "Annulled: Wrong cards" in chair.get(f"/meetings/{wri.id}/polls").text


def test_the_branch_records_its_mandate_per_motion(wsm, signed_in) -> None:
    secretary = signed_in(WSM_CHAIR)
    page = secretary.get(f"/meetings/{wsm.id}/mandates")
    galway = unit("wsm", "Galway")
    assert f'id="mandate-{motion_of(wsm).id}-{galway.id}"' in page.text
    sent = secretary.post(
        f"/motions/{motion_of(wsm).id}/mandates", data={"unit": galway.id, "instruction": "no"}
    )
    assert sent.status_code == 303
    assert representation.mandates_on(motion_of(wsm))[galway.id].instruction.value == "no"
    assert signed_in("gal@wsm.example").get(f"/meetings/{wsm.id}/mandates").status_code == 403


def test_each_vote_pushes_the_progress_to_the_meeting_screens(wri, signed_in, socket_for) -> None:
    poll = open_poll(wri, WRI_CHAIR)
    sock = socket_for(signed_in(PIA))
    joined = sock.emit(
        "join", {"meeting": wri.id, "view": "member", "version": wri.version}, callback=True
    )
    assert joined["ok"]
    sock.get_received()
    polls.cast(person(XAVIER), poll, choice="yes")
    pushed = [e for e in sock.get_received() if e["name"] == "fragments"]
    html = pushed[-1]["args"][0]["html"]
    assert 'id="meeting-poll"' in html and "1 of 4 votes cast (weight 3 of 7)" in html
