"""The foundation as people use it on a phone: sign in, import a roll, hand out join
links as QR codes, edit a body's rules. Screenshots land in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import assert_fits_phone, screenshot

PASSWORD = "demo-password"


def sign_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_member_signs_in_on_a_phone_and_finds_their_organisation(live_server, phone) -> None:
    phone.goto(live_server + "/login")
    assert_fits_phone(phone)
    screenshot(phone, "phone-login")
    phone.get_by_label("Email").fill("fay@awl.example")
    phone.get_by_label("Password").fill("not the password")
    phone.get_by_role("button", name="Sign in").click()
    assert phone.get_by_text("Email or password is wrong.").is_visible()
    # What was typed is kept; only the password is asked again.
    assert phone.get_by_label("Email").input_value() == "fay@awl.example"
    sign_in(phone, live_server, "fay@awl.example")
    phone.get_by_role("link", name="Alliance for Workers' Liberty").click()
    assert phone.locator("h1").inner_text() == "Alliance for Workers' Liberty"
    assert phone.get_by_text("National Committee").first.is_visible()
    assert_fits_phone(phone)
    screenshot(phone, "phone-organisation")


def test_secretary_imports_a_roll_fixes_nothing_skips_the_bad_row_and_prints_qr_codes(
    live_server, phone, tmp_path: Path
) -> None:
    roll = tmp_path / "roll.csv"
    roll.write_text(
        "name,email,unit,status\n"
        "Hélène Sánchez,helene@example.net,Section X,full\n"
        "Bad Row,not-an-email,Section X,full\n"
        "Piotr Nowak,piotr@example.net,Section Y,full\n",
        encoding="utf-8",
    )
    sign_in(phone, live_server, "ana@wri.example")
    phone.goto(live_server + "/admin/wri/import")
    assert_fits_phone(phone)
    phone.get_by_label("CSV file").set_input_files(str(roll))
    phone.get_by_role("button", name="Check the file").click()
    assert phone.get_by_text("1 row has problems. Nothing was imported.").is_visible()
    problems = phone.locator("table").last.inner_text()
    assert "3" in problems and "email" in problems.lower()
    screenshot(phone, "phone-import-report")
    phone.get_by_role("button", name="Import the 2 good rows and skip the bad ones").click()
    assert phone.get_by_text("The roll was imported.").is_visible()
    phone.get_by_role("link", name="Send join links to the new members").click()
    assert phone.get_by_text("Hélène Sánchez").is_visible()
    phone.get_by_role("checkbox", name="Hélène Sánchez").check()
    phone.get_by_role("checkbox", name="Piotr Nowak").check()
    phone.get_by_role("button", name="Print QR sheet").click()
    assert phone.locator(".qr svg").count() == 2
    assert_fits_phone(phone)
    screenshot(phone, "phone-qr-sheet")


def test_admin_edits_a_body_rule_on_a_phone_and_a_wrong_fraction_is_explained(
    live_server, phone
) -> None:
    sign_in(phone, live_server, "ana@wri.example")
    phone.goto(live_server + "/admin/wri/bodies/council")
    assert_fits_phone(phone)
    screenshot(phone, "phone-body-rules")
    share = phone.locator('input[name="decision.fraction"]')
    share.fill("3/2")
    phone.get_by_role("button", name="Save the rules").click()
    assert phone.locator('input[name="decision.fraction"]').input_value() == "3/2"
    assert phone.locator('input[name="decision.fraction"]').get_attribute("aria-invalid") == "true"
    assert phone.get_by_text("must be between 0 and 1").first.is_visible()
    phone.locator('input[name="decision.fraction"]').fill("3/5")
    phone.get_by_role("button", name="Save the rules").click()
    phone.goto(live_server + "/admin/wri/bodies/council")
    assert phone.locator('input[name="decision.fraction"]').input_value() == "3/5"
