"""Voting on the floor in real browsers, each test on a meeting of its own.

The WRI conference worked example: a chair and four representatives' phones (Sections X
and Y, associates P and Q) take a motion through a test for agreement that Q blocks, the
hand-over to a weighted vote (4 to 3, carried), then a constitution amendment on the same
floor (sections only: 3 of 5 is lost, Q is refused), then a secret ballot whose voter
finds their tracker. And a WSM delegate carrying 5 votes who votes against the mandate.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.e2e.conftest import PHONE, assert_fits_phone, screenshot
from tests.e2e.test_live_meeting import live_connected, sign_in
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.membership.models import Person
from voting.org.models import Body, Unit

CHAIR = "chris@wri.example"
REPS = {
    "X": "xavier@wri.example",
    "Y": "yusuf@wri.example",
    "P": "pia@wri.example",
    "Q": "quinn@wri.example",
}
UNITS = ["Section X", "Section Y", "Associate P", "Associate Q"]
AMENDMENT_ITEM = "Constitution: Article 3"


def person(email: str) -> Person:
    found = db.session.scalar(select(Person).where(Person.email == email))
    assert found is not None, email
    return found


def wri_conference(app, title: str) -> int:  # type: ignore[no-untyped-def]
    """A WRI conference meeting of its own, in session: the conscientious objection motion
    and a constitution amendment on the agenda, each representative holding their unit's
    voting cards for it. Returns its id."""
    from voting.meetings.services import agenda, meetings, representation
    from voting.meetings.services.simulation import DEMO_MOTION

    with app.app_context():
        chair, secretary = person(CHAIR), person("ana@wri.example")
        body = next(
            b
            for b in db.session.scalars(select(Body).where(Body.slug == "conference"))
            if b.organisation.slug == "wri"
        )
        meeting = meetings.schedule_meeting(
            chair, body, title=title, scheduled_for=utcnow() + timedelta(hours=1)
        )
        agenda.submit_item(
            chair, meeting, section="", title="Conscientious objection", motion_text=DEMO_MOTION
        )
        agenda.submit_item(
            chair,
            meeting,
            section="",
            title=AMENDMENT_ITEM,
            motion_text="Article 3 is amended: associates become sections after two years.",
        )
        meetings.open_meeting(chair, meeting)
        units = {u.name: u for u in body.organisation.units}
        for unit, email in zip(UNITS, REPS.values(), strict=True):
            representation.assign_cards(secretary, units[unit], person(email), meeting=meeting)
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


@pytest.fixture(scope="module")
def floor(live_app) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """The address, and a conference meeting of this module's own."""
    url, app = live_app
    return url, wri_conference(app, "Conference on the floor")


@pytest.fixture(scope="module")
def wsm_council(live_app) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """A WSM delegate council in session on a motion that Galway mandates its delegates to
    support; the chair has opened the vote. (address, meeting id)"""
    url, app = live_app
    from voting.ballots.services import polls
    from voting.meetings.services import agenda, meetings, representation
    from voting.meetings.services import floor as floor_services

    with app.app_context():
        sam = person("sam@wsm.example")
        body = next(
            b
            for b in db.session.scalars(select(Body).where(Body.slug == "delegate-council"))
            if b.organisation.slug == "wsm"
        )
        meeting = meetings.schedule_meeting(
            sam, body, title="Delegate Council", scheduled_for=utcnow() + timedelta(hours=2)
        )
        item = agenda.submit_item(
            sam,
            meeting,
            section="Motions",
            title="Housing campaign",
            late_reason="Brought forward by the branches",
            motion_text="The organisation campaigns for public housing.",
        )
        meetings.open_meeting(sam, meeting)
        agenda.open_item(sam, item)
        motion = item.motions[0]
        galway = db.session.scalar(select(Unit).where(Unit.name == "Galway"))
        representation.record_mandate(sam, galway, motion, "yes", "Support the campaign")
        for email in ("gal@wsm.example", "gwen@wsm.example", "lee@wsm.example"):
            meetings.check_in(person(email), meeting, meeting.join_code)
        poll = floor_services.create_poll(sam, meeting, motion=motion)
        polls.open_poll(sam, poll)
        meeting_id = meeting.id
        db.session.remove()
    return url, meeting_id


def new_screen(browser, contexts: list, **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(**(options or PHONE))
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def wait_text(page, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(selector, has_text=text).first.wait_for()


def test_wri_conference_consensus_hand_over_weighted_vote_amendment_and_secret_ballot(
    floor, browser
) -> None:
    base, meeting_id = floor
    screen = f"{base}/meetings/{meeting_id}"
    contexts: list = []
    try:
        chair = new_screen(browser, contexts)
        sign_in(chair, base, CHAIR)
        chair.goto(screen + "/chair")
        link = chair.locator(".break").inner_text().strip()
        hall = chair.input_value("#display-link-url")  # the projector's own link
        phones = {}
        for unit, email in REPS.items():
            phone = new_screen(browser, contexts)
            sign_in(phone, base, email)
            phone.goto(link)
            phone.click("form.check-in button[type=submit]")
            phone.wait_for_url(re.compile(rf".*/meetings/{meeting_id}$"))
            live_connected(phone)
            phones[unit] = phone
        projector = new_screen(browser, contexts, viewport={"width": 1280, "height": 800})
        projector.goto(hall)
        live_connected(projector)
        laptop = new_screen(browser, contexts, viewport={"width": 1280, "height": 900})
        sign_in(laptop, base, CHAIR)

        # Consensus first: Q blocks, the chair records no consensus.
        chair.reload()
        live_connected(chair)
        chair.locator("#meeting-agenda li", has_text="Conscientious objection").get_by_role(
            "button", name="Open discussion"
        ).click()
        chair.get_by_role("button", name="Test for agreement").first.click()
        for unit, answer in {"X": "Agree", "Y": "Agree", "P": "Agree", "Q": "Block"}.items():
            phones[unit].locator("#meeting-consensus form.answer-form").wait_for()
            phones[unit].get_by_role("button", name=answer, exact=True).click()
            phones[unit].wait_for_selector("[data-my-answer]")
        chair.wait_for_function(
            "() => document.querySelector('[data-count=block]').textContent.trim() === '1'"
        )
        chair.get_by_role("button", name="Record the outcome").click()

        # The hand-over: the console offers the vote under the body's rule.
        put = chair.locator("form.put-to-vote")
        put.wait_for()
        assert "Ordinary decision: majority of votes cast" in put.inner_text()
        put.get_by_role("button", name="Put to a vote").click()
        chair.wait_for_url(re.compile(rf".*/meetings/{meeting_id}/chair#meeting-poll$"))
        preview = chair.locator("[data-preview]").inner_text()
        assert "Xavier Rep holds 3 votes: 3 cards of Section X" in preview
        assert "Quinn Rep holds 1 vote: 1 card of Associate Q" in preview
        assert_fits_phone(chair)
        chair.get_by_role("button", name="Open the vote").click()
        chair.wait_for_selector("#meeting-poll [data-progress='0/4']")

        # Every phone gets its ballot without reloading.
        for phone in phones.values():
            phone.wait_for_selector("#meeting-poll [data-holdings]")
        x = phones["X"]
        assert "You hold 3 votes: 3 cards of Section X" in x.inner_text("#meeting-poll")
        assert "You hold 2 votes: 2 cards of Section Y" in phones["Y"].inner_text("#meeting-poll")
        screenshot(x, "vote-phone-ballot")
        assert_fits_phone(x)

        for unit, choice in {"X": "For", "Y": "Against", "P": "For", "Q": "Against"}.items():
            phone = phones[unit]
            phone.locator("#meeting-poll").get_by_role("button", name=choice, exact=True).click()
            phone.wait_for_selector("#meeting-poll [data-voted]")
            assert_fits_phone(phone)
        assert "Cast: For 3" in x.inner_text("#meeting-poll")
        screenshot(x, "vote-phone-after-voting")

        chair.wait_for_selector("#meeting-poll [data-progress='4/4'][data-weight='7/7']")
        projector.wait_for_selector("#meeting-poll [data-progress='4/4']")
        assert "4 of 4 votes cast (weight 7 of 7)" in chair.inner_text("#meeting-poll")
        screenshot(chair, "vote-chair-console-progress")
        laptop.goto(screen + "/chair")
        screenshot(laptop, "vote-chair-console-laptop")
        chair.get_by_role("button", name="Close the vote and count").click()

        carried = "Carried: 4 votes to 3"
        for page in [chair, projector, *phones.values()]:
            wait_text(page, "#meeting-poll .result-sentence", carried)
            assert page.locator("#meeting-poll svg").count() == 1
        wait_text(chair, "#meeting-item .badge", "carried by a vote")
        assert chair.locator("#meeting-item a", has_text="Result of the vote").count() == 1
        screenshot(projector, "vote-projector-result")
        screenshot(x, "vote-phone-result")
        big = projector.eval_on_selector(
            "#meeting-poll .result-sentence", "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert big >= 40

        # The constitution amendment on the same floor: sections only, 2/3 of votes cast.
        chair.get_by_role("button", name="Close item").click()
        chair.locator("#meeting-agenda li", has_text=AMENDMENT_ITEM).get_by_role(
            "button", name="Open discussion"
        ).click()
        wait_text(chair, "#meeting-item h2", AMENDMENT_ITEM)
        chair.get_by_role("button", name="Test for agreement").first.click()
        phones["Q"].locator("#meeting-consensus form.answer-form").wait_for()
        phones["Q"].get_by_role("button", name="Block", exact=True).click()
        phones["Q"].wait_for_selector("[data-my-answer='block']")
        chair.wait_for_function(
            "() => document.querySelector('[data-count=block]').textContent.trim() === '1'"
        )
        chair.get_by_role("button", name="Record the outcome").click()
        put = chair.locator("form.put-to-vote")
        put.wait_for()
        put.get_by_label("Decided by").select_option("constitution_amendment")
        put.get_by_role("button", name="Put to a vote").click()
        assert "only section units vote" in chair.inner_text("[data-preview]")
        chair.get_by_role("button", name="Open the vote").click()

        q = phones["Q"]
        q.wait_for_selector("#meeting-poll [data-refused]")
        refusal = q.inner_text("#meeting-poll [data-refused]")
        assert "You hold no vote in this poll." in refusal
        assert "Quinn Rep holds no votes: on this decision only section units vote" in refusal
        assert q.locator("#meeting-poll .ballot-choice").count() == 0
        screenshot(q, "vote-phone-refused")
        assert_fits_phone(q)
        for unit, choice in {"X": "For", "Y": "Against"}.items():
            phones[unit].wait_for_selector("#meeting-poll [data-holdings]")
            phones[unit].locator("#meeting-poll").get_by_role(
                "button", name=choice, exact=True
            ).click()
            phones[unit].wait_for_selector("#meeting-poll [data-voted]")
        chair.wait_for_selector("#meeting-poll [data-progress='2/2']")
        chair.get_by_role("button", name="Close the vote and count").click()
        for page in [chair, projector, *phones.values()]:
            wait_text(page, "#meeting-poll .result-sentence", "Lost: 3 votes to 2")
        wait_text(chair, "#meeting-item .badge", "lost in a vote")

        # A secret ballot: a phone votes, keeps its tracker, finds it after the count.
        chair.goto(screen + "/polls")
        chair.get_by_label("Kind").select_option("procedural")
        chair.get_by_label("Question (empty: adopt the motion?)").fill(
            "Hold the next conference in Spain?"
        )
        chair.get_by_label("How people vote").select_option("secret")
        chair.get_by_role("button", name="Prepare the poll").click()
        confirm = chair.get_by_label("Open anyway")
        if confirm.count():
            confirm.check()
        chair.get_by_role("button", name="Open the poll").click()
        y = phones["Y"]
        y.wait_for_selector("#meeting-poll [data-holdings]")
        y.locator("#meeting-poll").get_by_role("button", name="For", exact=True).click()
        tracker = y.locator("#meeting-poll [data-tracker]").inner_text().strip()
        assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", tracker)
        screenshot(y, "vote-phone-secret-tracker")
        assert_fits_phone(y)
        for unit, choice in {"X": "For", "P": "Against"}.items():
            phones[unit].wait_for_selector("#meeting-poll [data-holdings]")
            phones[unit].locator("#meeting-poll").get_by_role(
                "button", name=choice, exact=True
            ).click()
            phones[unit].wait_for_selector("#meeting-poll [data-voted]")
        chair.goto(screen + "/chair")
        chair.get_by_role("button", name="Close the vote and count").click()
        wait_text(y, "#meeting-poll .result-sentence", "Carried: 5 votes to 1")
        y.locator("#meeting-poll a", has_text="Result and chart").click()
        y.get_by_label("Your tracker code").fill(tracker)
        y.get_by_role("button", name="Find my ballot").click()
        y.wait_for_selector("[data-tracker-found]")
        assert y.locator(".trackers [data-mine]").count() == 1
        screenshot(y, "vote-secret-tracker-list")
        assert_fits_phone(y)
    finally:
        for context in contexts:
            context.close()


def test_wsm_delegate_carrying_5_votes_confirms_a_vote_against_the_mandate(
    wsm_council, phone
) -> None:
    url, meeting_id = wsm_council
    sign_in(phone, url, "gal@wsm.example")
    phone.goto(f"{url}/meetings/{meeting_id}")
    ballot = phone.locator("#meeting-poll")
    holding = ballot.locator("[data-holdings]").inner_text()
    assert "You hold 5 votes: delegate of Galway, 5 of the 9 present" in holding
    assert "Mandate of Galway: vote for" in holding
    assert_fits_phone(phone)
    ballot.get_by_role("button", name="Against", exact=True).click()

    # The confirmation step: the vote is allowed, and recorded as against the mandate.
    assert "You are asked to vote For (the branch's mandate)" in phone.inner_text("main")
    screenshot(phone, "vote-phone-mandate-confirmation")
    assert_fits_phone(phone)
    phone.get_by_label("I vote against the instruction, and know it is recorded").check()
    phone.get_by_role("button", name="Confirm my vote").click()
    phone.wait_for_url(re.compile(rf".*/meetings/{meeting_id}(#meeting-poll)?$"))
    assert "Cast: Against 5" in phone.inner_text("#meeting-poll")
    assert_fits_phone(phone)
