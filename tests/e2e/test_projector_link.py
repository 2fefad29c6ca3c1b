"""The hall's projector in real browsers: the chair copies its display link from the
console, the hall's screen opens it without signing in and shows the check-in code,
follows the meeting live, and stops the moment the chair gives it a new link. The same
screen's plain address asks a phone to sign in, and shows a member no code.
"""

from __future__ import annotations

import re

from tests.e2e.conftest import PHONE, assert_fits_phone, screenshot
from tests.e2e.test_floor_votes import new_screen, wri_conference
from tests.e2e.test_live_meeting import live_connected, sign_in
from voting.core.extensions import db
from voting.meetings.models import Meeting

CHAIR = "chris@wri.example"
HALL = {"viewport": {"width": 1280, "height": 800}}


def test_the_hall_projector_opens_by_its_own_link_and_a_new_link_ends_it(live_app, browser) -> None:
    base, app = live_app
    meeting_id = wri_conference(app, "Conference in the hall")
    with app.app_context():
        code = db.session.get(Meeting, meeting_id).join_code
        db.session.remove()
    screen = f"{base}/meetings/{meeting_id}"
    contexts: list = []
    try:
        laptop = new_screen(browser, contexts, **HALL)
        sign_in(laptop, base, CHAIR)
        laptop.goto(screen + "/chair")
        link = laptop.input_value("#display-link-url")
        assert re.fullmatch(rf"{re.escape(screen)}/projector/[\w-]{{20,}}", link)
        screenshot(laptop, "projector-link-chair-1280")
        chair_phone = new_screen(browser, contexts)
        sign_in(chair_phone, base, CHAIR)
        chair_phone.goto(screen + "/chair#display-link")
        assert_fits_phone(chair_phone)
        screenshot(chair_phone, "projector-link-chair-360")

        hall = new_screen(browser, contexts, **HALL)  # nobody signed in on the hall's PC
        hall.goto(link)
        assert "Scan to check in" in hall.inner_text("main")
        assert code in hall.content()
        live_connected(hall)
        screenshot(hall, "projector-link-hall-1280")

        stranger = new_screen(browser, contexts)  # the plain address, from a phone
        stranger.goto(screen + "/projector")
        stranger.wait_for_url(re.compile(r".*/login\?next="))
        screenshot(stranger, "projector-link-plain-anonymous-360")
        member = new_screen(browser, contexts)
        sign_in(member, base, "xenia@wri.example")
        member.goto(screen + "/projector")
        assert code not in member.content() and "Scan to check in" not in member.content()
        assert_fits_phone(member)
        screenshot(member, "projector-link-plain-member-360")

        # The hall follows the meeting live, without reloading.
        laptop.locator("#meeting-agenda li", has_text="Conscientious objection").get_by_role(
            "button", name="Open discussion"
        ).click()
        hall.wait_for_selector("#meeting-status .current:has-text('Conscientious objection')")

        # A new link: the hall's screen stops at once and says why; the new one works.
        laptop.get_by_role("button", name="New link (the old one stops working)").click()
        laptop.wait_for_selector("text=The projector has a new display link")
        hall.wait_for_selector("text=This display link does not work (any more)")
        screenshot(hall, "projector-link-ended-1280")
        fresh = laptop.input_value("#display-link-url")
        assert fresh != link
        hall.goto(fresh)
        assert "Conscientious objection" in hall.inner_text("#meeting-item")
    finally:
        for context in contexts:
            context.close()


def test_a_phone_on_the_hall_projector_link_still_fits(live_app, browser) -> None:
    """Someone in the hall opens the display link on a phone: it fits the screen."""
    base, app = live_app
    meeting_id = wri_conference(app, "Conference on a phone")
    with app.app_context():
        token = db.session.get(Meeting, meeting_id).display_token
        db.session.remove()
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(f"{base}/meetings/{meeting_id}/projector/{token}")
        assert "Scan to check in" in page.inner_text("main")
        assert_fits_phone(page)
        screenshot(page, "projector-link-hall-360")
    finally:
        context.close()
