"""Teller keys in a browser: the chair opens a secret poll with three teller keys (any two
count it), two tellers take theirs on the chair's phone; the server loses the poll's key
(as a restart does); the chair closes the poll, which waits for the tellers; a mistyped
key is refused with a sentence, the two keys count it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.e2e.conftest import assert_fits_phone, screenshot
from tests.e2e.test_live_meeting import sign_in
from voting.core.columns import utcnow
from voting.core.extensions import db
from voting.membership.models import Person
from voting.org.models import Body

CHAIR = "sam@wsm.example"
DELEGATES = ("gal@wsm.example", "gwen@wsm.example", "lee@wsm.example")


def _secret_poll(app) -> int:  # type: ignore[no-untyped-def]
    """A WSM delegate council in session, three delegates checked in, a secret poll drafted."""
    from voting.ballots.models import PollMode
    from voting.meetings.services import agenda, floor, meetings

    with app.app_context():
        people = {
            p.email: p
            for p in db.session.scalars(select(Person).where(Person.email.in_((CHAIR, *DELEGATES))))
        }
        body = next(
            b
            for b in db.session.scalars(select(Body).where(Body.slug == "delegate-council"))
            if b.organisation.slug == "wsm"
        )
        sam = people[CHAIR]
        meeting = meetings.schedule_meeting(
            sam, body, title="Council, secret vote", scheduled_for=utcnow() + timedelta(hours=2)
        )
        item = agenda.submit_item(
            sam,
            meeting,
            section="Motions",
            title="Affiliation",
            late_reason="Brought forward by the branches",
            motion_text="The organisation affiliates to the federation.",
        )
        meetings.open_meeting(sam, meeting)
        agenda.open_item(sam, item)
        for email in DELEGATES:
            meetings.check_in(people[email], meeting, meeting.join_code)
        poll = floor.create_poll(sam, meeting, motion=item.motions[0], mode=PollMode.SECRET)
        poll_id = poll.id
        db.session.remove()
    return poll_id


def mistyped(key: str) -> str:
    """The key with one letter in its middle typed wrong."""
    middle = len(key) // 2 + (key[len(key) // 2] == "-")
    return key[:middle] + ("B" if key[middle] != "B" else "C") + key[middle + 1 :]


def test_two_of_three_teller_keys_count_a_secret_poll_whose_key_was_lost(live_app, browser) -> None:
    from voting.ballots import sealing
    from voting.ballots.services import polls

    base, app = live_app
    poll_id = _secret_poll(app)
    contexts = []
    try:
        for width, height in ((360, 740), (1280, 900)):
            context = browser.new_context(viewport={"width": width, "height": height})
            contexts.append(context)
        phone, laptop = (c.new_page() for c in contexts)
        for page in (phone, laptop):
            page.set_default_timeout(15_000)
            sign_in(page, base, CHAIR)
        chair_page = f"{base}/polls/{poll_id}/chair"

        # Open with three teller keys, two needed; "4 needed of 3" is refused first.
        phone.goto(chair_page)
        phone.get_by_label("Teller keys to make").fill("3")
        phone.get_by_label("Keys needed to count").fill("4")
        confirm = phone.get_by_label("Open anyway")
        if confirm.count():
            confirm.check()
        phone.get_by_role("button", name="Open the poll").click()
        phone.locator(".field-error", has_text="tellers").wait_for()
        phone.get_by_label("Keys needed to count").fill("2")
        if phone.get_by_label("Open anyway").count():
            phone.get_by_label("Open anyway").check()
        phone.get_by_role("button", name="Open the poll").click()
        phone.get_by_role("heading", name="Teller keys").wait_for()

        # Two tellers take theirs: each shown once.
        keys = []
        for number in (1, 2):
            phone.get_by_role("button", name=f"Show key {number}").click()
            keys.append(phone.locator("#teller-key code").inner_text().strip())
            if number == 1:
                screenshot(phone, "teller-key-shown-phone")
                assert_fits_phone(phone)
        assert phone.get_by_text("Key 1: taken").count() == 1
        assert phone.get_by_role("button", name="Show key 3").count() == 1

        with app.app_context():
            poll = polls.get_poll(poll_id)
            for email in DELEGATES:
                voter = db.session.scalar(select(Person).where(Person.email == email))
                polls.cast(voter, poll, choice="yes" if email != DELEGATES[2] else "no")
            sealing.forget(poll.seal_key)  # the server restarted: the key is gone
            db.session.remove()

        # The chair closes: the poll waits for the tellers; a wrong key is refused.
        laptop.goto(chair_page)
        laptop.get_by_role("button", name="Close the poll and count").click()
        laptop.goto(chair_page)
        laptop.get_by_text("Enter 2 teller keys to count it").wait_for()
        laptop.get_by_label("Teller keys, one per line").fill(keys[0])
        laptop.get_by_role("button", name="Count the poll").click()
        laptop.locator(".field-error", has_text="2 different teller keys are needed").wait_for()
        laptop.get_by_label("Teller keys, one per line").fill(keys[0] + "\n" + mistyped(keys[1]))
        laptop.get_by_role("button", name="Count the poll").click()
        laptop.locator(".field-error").wait_for()
        screenshot(laptop, "teller-keys-counting-laptop")
        laptop.get_by_label("Teller keys, one per line").fill("\n".join(keys))
        laptop.get_by_role("button", name="Count the poll").click()
        laptop.wait_for_url(f"**/polls/{poll_id}/result")
        laptop.get_by_text("Carried").first.wait_for()
        screenshot(laptop, "teller-keys-counted-laptop")
    finally:
        for context in contexts:
            context.close()
