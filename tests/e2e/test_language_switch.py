"""A visitor changes the language at the foot of a page, by touch at phone width and by
keyboard on a desk, and the next pages keep it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PHONE, screenshot

SIZES = {
    "phone": PHONE,
    "desk": {"viewport": {"width": 1280, "height": 800}},
}


@pytest.mark.parametrize("size", SIZES)
def test_the_language_chosen_at_the_foot_of_a_page_stays(live_server, browser, size: str) -> None:
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server + "/login")
        assert page.locator("html").get_attribute("lang") == "en"
        switch = page.get_by_label("Language")
        switch.select_option("de")
        with page.expect_navigation(url=live_server + "/login"):
            if size == "phone":
                page.get_by_role("button", name="Change language").tap()
            else:
                page.get_by_role("button", name="Change language").focus()
                page.keyboard.press("Enter")
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.get_by_label("Sprache").input_value() == "de"
        screenshot(page, f"language-switch-{size}")
        page.goto(live_server + "/password/forgot")
        assert page.locator("html").get_attribute("lang") == "de"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES[size]["viewport"]["width"]
    finally:
        context.close()
