"""The projector as a hall sees it: at 1280×720 and 1920×1080 the current thing — the
test for agreement with its countdown and counts, the speaker with their clock, the
vote's progress, then the result sentence and chart — fits the screen without
scrolling, with no site header or sign-in link, counts rather than names, the motion's
amendment shown, and the check-in code small in a corner."""

from __future__ import annotations

from tests.e2e.conftest import screenshot
from tests.e2e.test_floor_votes import CHAIR, REPS, new_screen, person, wri_conference
from voting.ballots.models import PollMode
from voting.ballots.services import polls
from voting.core.extensions import db
from voting.meetings.models import Meeting
from voting.meetings.services import agenda, consensus, floor, meetings, motions, speaking
from voting.meetings.services.simulation import simulated_members

HALLS = {"720p": (1280, 720), "1080p": (1920, 1080)}


def _in_session(app, title: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """A WRI conference with 80 members checked in: an amendment proposed, the test for
    agreement open and half answered, a speaker called and five more waiting."""
    meeting_id = wri_conference(app, title)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        chair = person(CHAIR)
        members = simulated_members(meeting, 80)
        item = meeting.items[0]
        agenda.open_item(chair, item)
        motion = item.motions[0]
        motions.propose_amendment(
            members[0],
            motion,
            text="Add: including those who refuse civilian service.",
            paragraph=1,
        )
        for member in members[1:7]:
            speaking.raise_hand(member, item)
        speaking.call_next(chair, item)
        test = consensus.open_test(chair, motion)
        for n, member in enumerate(members[:40]):
            answer = "block" if n == 0 else "reservations" if n < 6 else "agree"
            consensus.answer(member, test, answer, reason="Not yet" if n == 0 else "")
        link = f"/meetings/{meeting.id}/projector/{meeting.display_token}"
        db.session.remove()
    return meeting_id, link


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    """Nothing scrolls, nothing is cut, no site chrome."""
    scroll = page.evaluate(
        "() => [document.documentElement.scrollHeight - innerHeight,"
        " document.documentElement.scrollWidth - innerWidth]"
    )
    assert scroll[0] <= 0 and scroll[1] <= 0, f"the projector scrolls by {scroll}"
    assert page.locator("header.top").count() == 0
    assert page.get_by_role("link", name="Sign in").count() == 0


def test_the_projector_fits_a_halls_screen(live_app, browser) -> None:
    base, app = live_app
    meeting_id, link = _in_session(app, "Conference on the big screen")
    contexts: list = []
    try:
        for name, (width, height) in HALLS.items():
            hall = new_screen(browser, contexts, viewport={"width": width, "height": height})
            hall.goto(base + link)
            hall.locator("#meeting-consensus .countdown").wait_for()
            screenshot(hall, f"projector-hall-test-{name}")
            _fits(hall)
            text = hall.locator("main").inner_text()
            # Counts, not lists of names; the speaker and the next three by name.
            assert "Simulated member" not in hall.locator("#meeting-consensus").inner_text()
            assert hall.locator("#meeting-speakers .queue li").count() == 3
            counts = hall.locator("#meeting-consensus [data-count]")
            assert counts.count() == 5
            assert hall.locator('[data-count="agree"]').inner_text() == "34"
            assert hall.locator('[data-count="block"]').inner_text() == "1"
            assert "refuse civilian service" in text  # the amendment
            assert hall.locator("[data-speaker]").is_visible()
            qr = hall.locator(".projector-join svg").bounding_box()
            assert qr is not None and 60 <= qr["width"] <= width * 0.12
            assert abs(qr["width"] - qr["height"]) < 2  # square: the whole code, not a crop
    finally:
        for context in contexts:
            context.close()

    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        chair = person(CHAIR)
        test = consensus.open_test_of(meeting.items[0])
        consensus.close_test(chair, test)
        poll = floor.put_to_vote(chair, meeting.items[0].motions[0], mode=PollMode.OPEN)
        polls.open_poll(chair, poll, confirm_privacy=True)
        for email in list(REPS.values())[:2]:
            meetings.check_in(person(email), meeting, meeting.join_code)
            polls.cast(person(email), poll, choice="yes", confirm_against_mandate=True)
        db.session.remove()
    contexts = []
    try:
        for name, (width, height) in HALLS.items():
            hall = new_screen(browser, contexts, viewport={"width": width, "height": height})
            hall.goto(base + link)
            hall.locator("#meeting-poll").wait_for()
            screenshot(hall, f"projector-hall-vote-{name}")
            _fits(hall)
    finally:
        for context in contexts:
            context.close()
