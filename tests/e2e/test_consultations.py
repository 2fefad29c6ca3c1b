"""A consultation in a browser: the WRI secretary prepares one on a laptop in Paris (the
form takes the laptop's time zone); an Executive member in Dublin finds it on the home
page of a 360-px phone, reads the times in her own zone, answers with a reason after being
told one is needed, and joins the discussion; the secretary closes it and states the
outcome."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.e2e.conftest import PHONE, assert_fits_phone, screenshot
from tests.e2e.test_live_meeting import sign_in
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.membership.models import Person

SECRETARY = "ana@wri.example"
MEMBER = "xenia@wri.example"


def _executive_member(app) -> None:  # type: ignore[no-untyped-def]
    from voting.membership.services.members import assign_role
    from voting.org.services.organisations import by_slug

    with app.app_context():
        ana = db.session.scalar(select(Person).where(Person.email == SECRETARY))
        assign_role(ana, by_slug("wri"), {"email": MEMBER, "kind": "officer", "body": "executive"})
        db.session.remove()


def test_a_member_answers_a_consultation_on_her_phone(live_app, browser) -> None:
    base, app = live_app
    _executive_member(app)
    closes = (utcnow() + timedelta(days=5)).replace(hour=18, minute=0, second=0, microsecond=0)
    contexts = []
    try:
        laptop_context = browser.new_context(
            viewport={"width": 1280, "height": 900}, timezone_id="Europe/Paris", locale="en-GB"
        )
        phone_context = browser.new_context(**PHONE, timezone_id="Europe/Dublin", locale="en-GB")
        contexts += [laptop_context, phone_context]
        laptop, phone = laptop_context.new_page(), phone_context.new_page()
        for page in (laptop, phone):
            page.set_default_timeout(15_000)
        sign_in(laptop, base, SECRETARY)
        laptop.goto(base + "/org/wri/consultations/new")
        assert laptop.get_by_label("Time zone of these times").input_value() == "Europe/Paris"
        laptop.get_by_label("Body", exact=True).select_option("executive")
        laptop.get_by_label("Title", exact=True).fill("Budget 2027")
        laptop.get_by_label("Proposal or question").fill("Adopt the budget.\n\nTravel is halved.")
        # 19:00 in Paris is 18:00 UTC in winter (and 20:00 in summer: compare in UTC below).
        paris = closes.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
        laptop.get_by_label("Closes", exact=True).fill(paris.strftime("%Y-%m-%dT%H:%M"))
        laptop.get_by_label("Reasons", exact=True).select_option("required")
        laptop.get_by_role("button", name="Prepare").click()
        laptop.get_by_role("heading", name="Budget 2027").wait_for()
        screenshot(laptop, "consultation-facilitator-laptop")
        with app.app_context():
            from voting.consultations.models import Consultation

            made = db.session.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
            assert made is not None and made.closes_at == closes
            consultation_id = made.id
            db.session.remove()

        sign_in(phone, base, MEMBER)
        phone.get_by_role("heading", name="What needs you").wait_for()
        screenshot(phone, "consultation-home-phone")
        assert_fits_phone(phone)
        phone.get_by_role("link", name="Answer").first.click()
        phone.get_by_role("heading", name="Budget 2027").wait_for()
        dublin = closes.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Dublin"))
        shown = phone.locator("dd time").nth(1).inner_text()
        assert dublin.strftime("%H:%M") in shown or dublin.strftime("%I:%M %p") in shown, shown
        phone.get_by_label("Block").check()
        phone.get_by_role("button", name="Send my answer").click()
        phone.locator(".field-error", has_text="Give your reason").wait_for()
        phone.get_by_label("Reason (needed unless you agree)").fill("Travel is how sections meet")
        phone.get_by_label("Block").check()
        phone.get_by_role("button", name="Send my answer").click()
        phone.locator("[data-my-answer='block']").wait_for()
        phone.get_by_label("Add to the discussion").fill("Could we halve flights only?")
        phone.get_by_role("button", name="Post").click()
        phone.get_by_text("Could we halve flights only?").wait_for()
        screenshot(phone, "consultation-answered-phone")
        assert_fits_phone(phone)

        laptop.goto(f"{base}/consultations/{consultation_id}")
        assert "Travel is how sections meet" in laptop.inner_text("main")
        laptop.get_by_role("button", name="Close now").click()
        laptop.get_by_text("Closed: no consensus").first.wait_for()
        laptop.get_by_role("heading", name="The vote").wait_for()
        screenshot(laptop, "consultation-closed-laptop")
        phone.goto(f"{base}/consultations/{consultation_id}")
        phone.get_by_role("button", name="Vote").wait_for()
        phone.get_by_label("Against").check()
        phone.get_by_role("button", name="Vote").click()
        phone.locator("[data-voted]").wait_for()  # the ballot gives way to the receipt
        assert phone.get_by_role("button", name="Vote").count() == 0
        screenshot(phone, "consultation-vote-phone")
        assert_fits_phone(phone)
    finally:
        for context in contexts:
            context.close()
