"""axe-core (vendored, MPL-2.0) finds no serious or critical accessibility problem on the
pages members and secretaries use, at phone width."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_foundation_flows import sign_in

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"

PUBLIC_PAGES = ["/", "/login", "/password/forgot"]
SECRETARY_PAGES = [
    "/",
    "/org/wri/",
    "/account",
    "/account/tokens",
    "/org/wri/invitations",
    "/admin/wri/",
    "/admin/wri/units",
    "/admin/wri/members",
    "/admin/wri/roles",
    "/admin/wri/import",
    "/admin/wri/bodies",
    "/admin/wri/bodies/conference",
    "/admin/wri/settings",
    "/org/wri/meetings",
]
# The demo's WRI conference (the first meeting); Ana is its organisation's admin.
MEETING_PAGES = ["/meetings/1", "/meetings/1/chair", "/meetings/1/projector", "/meetings/1/observe"]


def serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    # Evaluated by the browser's debugging protocol, which the page's policy does not
    # govern (an inline <script> tag would be refused).
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_accessible(live_server, phone, path: str) -> None:
    phone.goto(live_server + path)
    assert serious_violations(phone) == []


def test_secretary_pages_are_accessible(live_server, phone) -> None:
    sign_in(phone, live_server, "ana@wri.example")
    problems = {}
    for path in SECRETARY_PAGES + MEETING_PAGES:
        response = phone.goto(live_server + path)
        assert response is not None and response.status == 200, path
        if found := serious_violations(phone):
            problems[path] = found
    assert problems == {}


def _scan(page, base: str, paths: list[str]) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    problems = {}
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        if found := serious_violations(page):
            problems[path] = found
    return problems


def test_poll_pages_are_accessible(live_app, browser) -> None:
    """The hand-over and the vote: the chair's console with a prepared secret vote and a
    question waiting to be put to the vote, the phone's ballot, the result with trackers."""
    from sqlalchemy import select

    from tests.e2e.conftest import PHONE
    from tests.e2e.test_floor_votes import wri_conference
    from tests.e2e.test_live_meeting import sign_in as sign_in_live
    from voting.ballots.models import PollMode
    from voting.ballots.services import polls
    from voting.core.extensions import db
    from voting.meetings.services import agenda, consensus, floor, meetings, motions
    from voting.membership.models import Person

    url, app = live_app
    reps = ["xavier", "yusuf", "pia", "quinn"]

    def who(name: str) -> Person:
        return db.session.scalar(select(Person).where(Person.email == f"{name}@wri.example"))

    def blocked(motion, amendment=None) -> None:  # type: ignore[no-untyped-def]
        test = consensus.open_test(who("chris"), motion, amendment=amendment)
        consensus.answer(who("quinn"), test, "block")
        consensus.close_test(who("chris"), test)

    meeting_id = wri_conference(app, "Conference, accessibility of votes")
    with app.app_context():
        meeting = meetings.get_meeting(meeting_id)
        for name in reps:
            meetings.check_in(who(name), meeting, meeting.join_code)
        motion = next(m for i in meeting.items for m in i.motions)
        agenda.open_item(who("chris"), motion.item)
        amendment = motions.propose_amendment(who("pia"), motion, text="Every month.", paragraph=2)
        motions.put_to_meeting(who("chris"), amendment)
        blocked(motion, amendment)
        blocked(motion)
        poll = floor.put_to_vote(who("chris"), motion, mode=PollMode.SECRET)
        poll_id = poll.id
        db.session.remove()

    contexts = [browser.new_context(**PHONE) for _ in range(2)]
    try:
        chair, member = (c.new_page() for c in contexts)
        sign_in(chair, url, "ana@wri.example")
        sign_in_live(member, url, "xavier@wri.example")
        problems = _scan(
            chair,
            url,
            [f"/meetings/{meeting_id}/chair", f"/polls/{poll_id}/chair", "/org/wri/cards"],
        )
        with app.app_context():
            polls.open_poll(who("chris"), polls.get_poll(poll_id), confirm_privacy=True)
            db.session.remove()
        problems |= _scan(
            member,
            url,
            [f"/meetings/{meeting_id}", f"/polls/{poll_id}", f"/meetings/{meeting_id}/proxies"],
        )
        problems |= {
            f"chair {k}": v for k, v in _scan(chair, url, [f"/meetings/{meeting_id}/chair"]).items()
        }
        with app.app_context():
            poll = polls.get_poll(poll_id)
            for name, choice in zip(reps, ["yes", "no", "yes", "no"], strict=True):
                polls.cast(who(name), poll, choice=choice)
            polls.close_poll(who("chris"), poll)
            db.session.remove()
        problems |= _scan(
            member,
            url,
            [
                f"/meetings/{meeting_id}",
                f"/meetings/{meeting_id}/projector",
                f"/polls/{poll_id}/result",
                f"/polls/{poll_id}/result?tracker=AAAA-BBBB",
                f"/meetings/{meeting_id}/polls",
            ],
        )
        assert problems == {}
    finally:
        for context in contexts:
            context.close()
