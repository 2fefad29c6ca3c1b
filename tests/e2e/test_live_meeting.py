"""A WRI conference item run from phones in a real browser: the chair and three members
on 360-px screens take the motion from discussion through a test for agreement with one
block to the hand-over to the vote, every screen following live without reloading.
"""

from __future__ import annotations

import re

from tests.e2e.conftest import PHONE, assert_fits_phone, screenshot

MEMBERS = {
    "xavier@wri.example": "agree",
    "yusuf@wri.example": "reservations",
    "quinn@wri.example": "block",
}
ANSWER_BUTTON = {"agree": "Agree", "reservations": "Agree with reservations", "block": "Block"}


def sign_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", "demo-password")
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def live_connected(page) -> None:  # type: ignore[no-untyped-def]
    """The page has joined its room: pushes will reach it."""
    # A function, not an expression: Playwright would eval an expression inside the page,
    # which the Content-Security-Policy refuses.
    page.wait_for_function("() => window.io !== undefined && document.querySelector('[data-view]')")
    page.wait_for_timeout(400)


def test_a_chair_and_three_phones_run_an_item_to_the_hand_over(live_server, browser) -> None:
    contexts = []

    def new_phone():  # type: ignore[no-untyped-def]
        context = browser.new_context(**PHONE)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    try:
        chair = new_phone()
        sign_in(chair, live_server, "chris@wri.example")
        chair.goto(live_server + "/meetings/1/chair")
        link = chair.locator(".break").inner_text().strip()
        assert "/meetings/1/check-in?code=" in link
        hall = chair.input_value("#display-link-url")  # the projector's own link

        phones = {}
        for email in MEMBERS:
            phone = new_phone()
            sign_in(phone, live_server, email)
            phone.goto(link)
            phone.click("form.check-in button[type=submit]")
            phone.wait_for_url(re.compile(r".*/meetings/1$"))
            assert "You are checked in." in phone.inner_text("main")
            live_connected(phone)
            phones[email] = phone

        projector_context = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(projector_context)
        projector = projector_context.new_page()
        projector.goto(hall)
        live_connected(projector)

        # The chair sees the attendance the phones made, and opens discussion.
        chair.reload()
        assert "3 present" in chair.inner_text("#meeting-status")
        chair.locator("#meeting-agenda li", has_text="Conscientious objection").get_by_role(
            "button", name="Open discussion"
        ).click()
        chair.wait_for_selector("#meeting-item h2:has-text('Conscientious objection')")

        for phone in phones.values():  # pushed, not reloaded
            phone.wait_for_selector("#meeting-item h2:has-text('Conscientious objection')")
        first = phones["xavier@wri.example"]
        first.select_option("#meeting-speakers select[name=viewpoint]", "for")
        first.get_by_role("button", name="Raise my hand").click()
        first.wait_for_selector("[data-my-hand='waiting']")
        chair.wait_for_selector("#meeting-speakers li:has-text('Xavier Rep')")

        chair.get_by_role("button", name="Test for agreement").first.click()
        chair.wait_for_selector("#meeting-consensus time.countdown")
        projector.wait_for_selector("#meeting-consensus time.countdown")
        for email, answer in MEMBERS.items():
            phone = phones[email]
            phone.wait_for_selector("#meeting-consensus form.answer-form")
            if answer == "block":
                phone.fill("#meeting-consensus input[name=reason]", "Not without the sections")
            phone.get_by_role("button", name=ANSWER_BUTTON[answer], exact=True).click()
            phone.wait_for_selector(f"[data-my-answer='{answer}']")

        chair.wait_for_function(
            "() => document.querySelector('[data-count=block]').textContent.trim() === '1'"
            " && document.querySelector('[data-count=silent]').textContent.trim() === '0'"
        )
        projector.wait_for_function(
            "() => document.querySelector('[data-count=agree]').textContent.trim() === '1'"
        )
        assert "Not without the sections" in chair.inner_text("#meeting-consensus")
        screenshot(first, "meeting-phone-consensus")
        screenshot(projector, "meeting-projector-consensus")
        screenshot(chair, "meeting-chair-consensus")
        assert_fits_phone(first)
        assert_fits_phone(chair)

        chair.get_by_role("button", name="Record the outcome").click()
        handed_over = (
            "No consensus: the chair ended the test with 1 block. The item goes to the vote."
        )
        chair.wait_for_selector(f"text={handed_over}")
        for phone in phones.values():
            phone.wait_for_selector(f"text={handed_over}")
        projector.wait_for_selector(f"text={handed_over}")
        screenshot(first, "meeting-phone-handed-over")
        screenshot(chair, "meeting-chair-handed-over")
        screenshot(projector, "meeting-projector-handed-over")
    finally:
        for context in contexts:
            context.close()
