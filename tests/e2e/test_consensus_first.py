"""Consensus first on the chair's console, on a phone (360 px) and a laptop (1280 px): the
WRI conference tries consensus before it votes, so the console offers "Test for agreement"
first and "Go straight to a vote" (with the reason the meeting gave) second; after a test
without consensus, or once the decision is recorded, it offers the vote.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import PHONE, assert_fits_phone, screenshot
from tests.e2e.test_floor_votes import REPS, new_screen, wait_text, wri_conference
from tests.e2e.test_live_meeting import live_connected, sign_in

CHAIR = "chris@wri.example"
LAPTOP = {"viewport": {"width": 1280, "height": 900}}
SCREENS = {"phone": PHONE, "laptop": LAPTOP}


def checked_in(app, meeting_id: int) -> None:  # type: ignore[no-untyped-def]
    from voting.core.extensions import db
    from voting.meetings.services import meetings
    from voting.membership.models import Person

    with app.app_context():
        meeting = meetings.get_meeting(meeting_id)
        for email in REPS.values():
            who = db.session.query(Person).filter_by(email=email).one()
            meetings.check_in(who, meeting, meeting.join_code)
        db.session.remove()


def open_first_item(chair) -> None:  # type: ignore[no-untyped-def]
    chair.locator("#meeting-agenda li", has_text="Conscientious objection").get_by_role(
        "button", name="Open discussion"
    ).click()
    wait_text(chair, "#meeting-item h2", "Conscientious objection")


def vote_opens(chair, name: str) -> None:  # type: ignore[no-untyped-def]
    """The prepared vote shows who holds what; the chair opens it and nobody has voted."""
    chair.wait_for_url(re.compile(r".*/chair#meeting-poll$"))
    assert "Xavier Rep holds 3 votes: 3 cards of Section X" in chair.inner_text("[data-preview]")
    chair.get_by_role("button", name="Open the vote").click()
    chair.wait_for_selector("#meeting-poll [data-progress='0/4']")
    screenshot(chair, f"consensus-first-{name}-vote-open")


@pytest.mark.parametrize("size", sorted(SCREENS))
def test_the_chair_goes_straight_to_a_vote_with_the_meetings_reason(
    live_app, browser, size: str
) -> None:
    url, app = live_app
    meeting_id = wri_conference(app, f"Conference, straight to a vote ({size})")
    checked_in(app, meeting_id)
    contexts: list = []
    try:
        chair = new_screen(browser, contexts, **SCREENS[size])
        sign_in(chair, url, CHAIR)
        chair.goto(f"{url}/meetings/{meeting_id}/chair")
        live_connected(chair)
        open_first_item(chair)

        item = chair.locator("#meeting-item")
        test = item.get_by_role("button", name="Test for agreement", exact=True)
        assert test.is_visible() and "secondary" not in (test.get_attribute("class") or "")
        straight = item.locator("details.straight-to-vote")
        assert item.get_by_role("button", name="Put to a vote").count() == 0
        screenshot(chair, f"consensus-first-{size}-before")
        if size == "phone":
            assert_fits_phone(chair)

        straight.locator("summary").click()
        submit = straight.get_by_role("button", name="Go straight to a vote")
        assert "secondary" in (submit.get_attribute("class") or "")
        submit.click()  # no reason given: the browser asks for one, nothing is recorded
        assert chair.locator("[data-straight-to-vote]").count() == 0
        straight.get_by_label("Why the meeting decided so").fill(
            "The sections asked for a vote at the last conference."
        )
        screenshot(chair, f"consensus-first-{size}-reason")
        submit.click()

        record = chair.locator("#meeting-item [data-straight-to-vote]")
        record.wait_for()
        assert "The sections asked for a vote at the last conference." in record.inner_text()
        put = chair.locator("form.put-to-vote")
        assert "The meeting decided to go straight to a vote." in put.inner_text()
        assert item.get_by_role("button", name="Test for agreement", exact=True).count() == 0
        wait_text(chair, "#meeting-item .badge", "goes to a vote")
        screenshot(chair, f"consensus-first-{size}-decided")
        if size == "phone":
            assert_fits_phone(chair)
        put.get_by_role("button", name="Put to a vote").click()
        vote_opens(chair, f"straight-{size}")
        if size == "phone":
            assert_fits_phone(chair)
    finally:
        for context in contexts:
            context.close()


@pytest.mark.parametrize("size", sorted(SCREENS))
def test_the_chair_tests_for_agreement_and_a_block_opens_the_way_to_the_vote(
    live_app, browser, size: str
) -> None:
    url, app = live_app
    meeting_id = wri_conference(app, f"Conference, test then vote ({size})")
    checked_in(app, meeting_id)
    contexts: list = []
    try:
        chair = new_screen(browser, contexts, **SCREENS[size])
        quinn = new_screen(browser, contexts)
        sign_in(chair, url, CHAIR)
        sign_in(quinn, url, REPS["Q"])
        chair.goto(f"{url}/meetings/{meeting_id}/chair")
        live_connected(chair)
        open_first_item(chair)
        quinn.goto(f"{url}/meetings/{meeting_id}")
        live_connected(quinn)

        chair.locator("#meeting-item").get_by_role(
            "button", name="Test for agreement", exact=True
        ).click()
        quinn.locator("#meeting-consensus form.answer-form").wait_for()
        quinn.get_by_role("button", name="Block", exact=True).click()
        quinn.wait_for_selector("[data-my-answer='block']")
        chair.wait_for_function(
            "() => document.querySelector('[data-count=block]').textContent.trim() === '1'"
        )
        assert chair.locator("form.put-to-vote").count() == 0  # not while the test runs
        chair.get_by_role("button", name="Record the outcome").click()

        put = chair.locator("form.put-to-vote")
        put.wait_for()
        assert "No consensus: the body decides by a vote." in put.inner_text()
        assert chair.locator("details.straight-to-vote").count() == 0
        screenshot(chair, f"consensus-first-{size}-no-consensus")
        if size == "phone":
            assert_fits_phone(chair)
        put.get_by_role("button", name="Put to a vote").click()
        vote_opens(chair, f"tested-{size}")
        quinn.wait_for_selector("#meeting-poll [data-holdings]")
        assert "You hold 1 vote: 1 card of Associate Q" in quinn.inner_text("#meeting-poll")
    finally:
        for context in contexts:
            context.close()
