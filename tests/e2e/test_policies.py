"""The policy register in a browser: Sam, WSM's secretary, finds the register from the
organisation's page, sees the conference papers falling due first with their lapse dates,
and puts one on the agenda of the next National Conference in one step — on a 360-px
phone, then another on a 1280-px laptop. Each page fits the phone, passes axe (no serious
or critical problem), and the Content-Security-Policy refuses nothing."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.conftest import PHONE, assert_fits_phone, screenshot
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.test_foundation_flows import sign_in
from tests.fixtures.people import person
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.meetings.services import meetings
from voting.org.services.organisations import by_slug
from voting.record.services import policies
from voting.rules.policies import anniversary

SECRETARY = "sam@wsm.example"
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "timezone_id": "UTC", "locale": "en-GB"}
CONFERENCE = "National Conference, autumn"


def _set_up(app) -> None:  # type: ignore[no-untyped-def]
    """Two conference papers adopted three years ago less two or three months (falling
    due), one adopted a year ago, and the next conference scheduled before they lapse."""
    with app.app_context():
        wsm = by_slug("wsm")
        sam = person(SECRETARY)
        today = utcnow().date()
        for title, days in (("Housing policy", 60), ("Anti-fascism", 90), ("Principles", 700)):
            policies.enter(
                sam,
                wsm,
                body="conference",
                title=title,
                text=f"{title}: what the organisation stands for.",
                adopted_on=(anniversary(today, -3) + timedelta(days=days)).isoformat(),
            )
        conference = next(b for b in wsm.bodies if b.slug == "conference")
        meetings.schedule_meeting(
            sam, conference, title=CONFERENCE, scheduled_for=utcnow() + timedelta(days=40)
        )
        db.session.remove()


def _card(page, title: str):  # type: ignore[no-untyped-def]
    return page.locator("li[data-policy]", has=page.get_by_role("link", name=title))


def test_the_secretary_puts_a_paper_falling_due_on_the_next_conference(live_app, browser) -> None:
    base, app = live_app
    _set_up(app)
    problems: dict[str, list[str]] = {}
    for options, title, name in (
        (PHONE, "Housing policy", "policies-phone"),
        (LAPTOP, "Anti-fascism", "policies-laptop"),
    ):
        context = browser.new_context(**options)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            sign_in(page, base, SECRETARY)
            page.goto(base + "/org/wsm/")
            page.get_by_role("link", name="Policy register").click()
            page.get_by_role("heading", name="Policy register").wait_for()
            due = page.locator("ul.policies-due")
            card = _card(page, title)
            assert due.locator("li[data-policy]").filter(has_text=title).count() == 1
            assert "Lapses on" in card.inner_text() and "unless ratified" in card.inner_text()
            # What falls due comes before what is in force.
            text = page.locator("main").inner_text()
            assert text.index(title) < text.index("Principles")
            screenshot(page, f"{name}-before")
            if options is PHONE:
                assert_fits_phone(page)
            if found := serious_violations(page):
                problems[name] = found

            card.get_by_role("button", name=f"Put on the agenda of {CONFERENCE}").click()
            page.locator(".flash", has_text="with a motion to ratify it").wait_for()
            card = _card(page, title)
            assert "On the agenda of" in card.inner_text()
            assert card.get_by_role("link", name=CONFERENCE).is_visible()
            assert card.get_by_role("button").count() == 0  # it cannot go twice
            screenshot(page, f"{name}-after")
            if options is PHONE:
                assert_fits_phone(page)
            if found := serious_violations(page):
                problems[f"{name}-after"] = found
            # The paper's own page: its text, dates and the secretary's corrections.
            card.get_by_role("link", name=title).click()
            page.get_by_role("heading", name=title).wait_for()
            assert "what the organisation stands for" in page.locator("main").inner_text()
            page.get_by_text("Title, text and dates").click()
            page.get_by_label("Adopted on").wait_for()
            screenshot(page, f"{name}-paper")
            if options is PHONE:
                assert_fits_phone(page)
            if found := serious_violations(page):
                problems[f"{name}-paper"] = found
        finally:
            context.close()
    assert problems == {}

    with app.app_context():
        wsm = by_slug("wsm")
        waiting = {
            p.title: p.renewal_motion.item.meeting.title
            for p in policies.policies_of(wsm.id)
            if p.renewal_motion is not None
        }
        db.session.remove()
    assert waiting == {"Housing policy": CONFERENCE, "Anti-fascism": CONFERENCE}
