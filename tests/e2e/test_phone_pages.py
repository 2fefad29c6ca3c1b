"""Member pages on a 360-px phone: readable, nothing scrolling sideways."""

from __future__ import annotations

from tests.e2e.conftest import assert_fits_phone, screenshot


def test_start_page_fits_a_phone(live_server: str, phone) -> None:
    phone.goto(live_server + "/")
    assert phone.locator("h1").inner_text() == "Voting"
    assert_fits_phone(phone)
    screenshot(phone, "phone-start")
