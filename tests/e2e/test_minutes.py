"""The minutes in a browser: Sam, WSM's secretary, opens a closed Delegate Council from
its screen, writes the summary and an outline of an item's discussion, reads the minutes
with the decision, the test for agreement and the vote, and downloads them as PDF — on a
360-px phone, then on a 1280-px laptop. A stale save from a second tab keeps its text,
shows what was saved meanwhile and saves knowingly the second time. Each page fits the
phone, passes axe (no serious or critical problem), and the Content-Security-Policy
refuses nothing."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.conftest import PHONE, assert_fits_phone, screenshot
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_foundation_flows import sign_in
from tests.fixtures.people import person
from voting.ballots.models import PollMode
from voting.ballots.services import polls
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.meetings.services import agenda, consensus, floor, meetings
from voting.org.services.organisations import by_slug

SECRETARY = "sam@wsm.example"
DELEGATES = ("gal@wsm.example", "gwen@wsm.example", "lee@wsm.example", "dara@wsm.example")
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "timezone_id": "UTC", "locale": "en-GB"}


def _closed_council(app, title: str) -> int:  # type: ignore[no-untyped-def]
    """A Delegate Council that agreed one motion and, a branch blocking, voted on another;
    then closed."""
    with app.app_context():
        sam = person(SECRETARY)
        council = next(b for b in by_slug("wsm").bodies if b.slug == "delegate-council")
        meeting = meetings.schedule_meeting(
            sam, council, title=title, scheduled_for=utcnow() + timedelta(hours=1)
        )
        section = agenda.sections(meeting)[0]
        for name in ("Housing campaign", "Affiliation fee"):
            agenda.submit_item(
                sam,
                meeting,
                section=section,
                title=name,
                motion_text=f"{name}: we agree it.",
                late_reason="Brought by the branches",
            )
        meetings.open_meeting(sam, meeting)
        for email in DELEGATES:
            meetings.check_in(person(email), meeting, meeting.join_code)
        housing, fee = (
            i for i in meeting.items if i.title in ("Housing campaign", "Affiliation fee")
        )
        agenda.open_item(sam, housing)
        test = consensus.open_test(sam, housing.motions[0])
        for email in DELEGATES:
            consensus.answer(person(email), test, "agree")
        consensus.close_test(sam, test)
        agenda.open_item(sam, fee)
        test = consensus.open_test(sam, fee.motions[0])
        consensus.answer(person(DELEGATES[2]), test, "block", reason="Too dear for us")
        consensus.close_test(sam, test)
        poll = floor.put_to_vote(sam, fee.motions[0], mode=PollMode.OPEN)
        polls.open_poll(sam, poll, confirm_privacy=True)
        for email, choice in zip(DELEGATES, ("yes", "yes", "no", "yes"), strict=True):
            polls.cast(person(email), poll, choice=choice, confirm_against_mandate=True)
        polls.close_poll(sam, poll)
        meetings.close_meeting(sam, meeting)
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def test_the_secretary_writes_and_reads_the_minutes(live_app, browser) -> None:
    base, app = live_app
    problems: dict[str, list[str]] = {}
    for options, name in ((PHONE, "minutes-phone"), (LAPTOP, "minutes-laptop")):
        meeting_id = _closed_council(app, f"Delegate Council ({name})")
        context = browser.new_context(**options)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            sign_in(page, base, SECRETARY)
            page.goto(f"{base}/meetings/{meeting_id}/chair")
            page.get_by_role("link", name="Read the minutes").click()
            page.get_by_role("heading", name=f"Draft minutes: Delegate Council ({name})").wait_for()
            main = page.locator("main")
            assert "Housing campaign: we agree it." in main.inner_text()
            page.get_by_role("link", name="Write the minutes").click()

            page.get_by_label("Summary").fill("The council met in Galway.")
            item = page.locator("section.minutes-edit-item", has_text="Housing campaign")
            item.get_by_label("Outline of the discussion").fill("Dara spoke for the branches.")
            screenshot(page, f"{name}-edit")
            if options is PHONE:
                assert_fits_phone(page)
            if found := serious_violations(page):
                problems[f"{name}-edit"] = found

            # A second tab saves first: this tab's save is refused and keeps its text.
            other = context.new_page()
            other.goto(f"{base}/meetings/{meeting_id}/minutes/edit")
            other.get_by_label("Summary").fill("Written in the other tab.")
            other.get_by_role("button", name="Save the minutes", exact=True).click()
            other.locator(".flash").first.wait_for()
            other.close()
            page.get_by_role("button", name="Save and read them").click()
            error = page.locator("[data-error]")
            error.wait_for()
            assert "saved these minutes meanwhile" in error.inner_text()
            assert page.get_by_label("Summary").input_value() == "The council met in Galway."
            theirs = page.locator('[data-theirs="summary"]')
            assert "Written in the other tab." in theirs.inner_text()
            screenshot(page, f"{name}-stale")
            if options is PHONE:
                assert_fits_phone(page)
            if found := serious_violations(page):
                problems[f"{name}-stale"] = found

            # Saved again, knowingly: the minutes carry this summary and the outline.
            page.get_by_role("button", name="Save and read them").click()
            page.get_by_role("heading", name=f"Draft minutes: Delegate Council ({name})").wait_for()
            text = main.inner_text()
            assert "The council met in Galway." in text
            assert "Dara spoke for the branches." in text
            assert "Affiliation fee" in text and "carried" in text.casefold()
            screenshot(page, f"{name}-read")
            if options is PHONE:
                assert_fits_phone(page)
            if found := serious_violations(page):
                problems[f"{name}-read"] = found

            with page.expect_download() as download:
                page.get_by_role("link", name="Download as PDF").click()
            pdf = download.value
            assert pdf.suggested_filename == f"minutes-{meeting_id}.pdf"
            with open(pdf.path(), "rb") as f:
                assert f.read(5) == b"%PDF-"
        finally:
            context.close()
    assert problems == {}
