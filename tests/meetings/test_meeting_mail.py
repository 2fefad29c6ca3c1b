"""A meeting called is mailed to those who may attend, through a real SMTP server on the
loopback: once each, in their own language, never to those who turned it off."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from tests.fixtures.floor import body
from tests.fixtures.people import person
from voting.core.columns import utcnow
from voting.meetings.services import mail, meetings
from voting.membership.services import notifications


def test_the_members_are_told_a_meeting_is_called(live: Flask, mailbox) -> None:
    live.config["PUBLIC_URL"] = "http://localhost"
    notifications.set_preferences(person("gwen@wsm.example"), {"meeting_called": False})
    person("lee@wsm.example").locale = "fr"
    called = meetings.schedule_meeting(
        person("sam@wsm.example"),
        body("wsm", "delegate-council"),
        title="Council on the strike",
        scheduled_for=utcnow() + timedelta(days=30),
    )
    told = {m["To"] for m in mailbox.messages}
    assert "gal@wsm.example" in told and "mo@wsm.example" in told
    assert "gwen@wsm.example" not in told  # turned it off
    assert "xavier@wri.example" not in told  # another organisation
    mail_to_gal = mailbox.to("gal@wsm.example")[0]
    assert mail_to_gal["Subject"] == "Meeting called: Council on the strike"
    assert f"/meetings/{called.id}.ics" in mail_to_gal.get_content()
    assert mailbox.to("lee@wsm.example")[0]["Subject"].startswith("Réunion convoquée")
    before = len(mailbox.messages)
    assert mail.announce_meeting(called.id) == 0  # a second worker: claimed already
    assert len(mailbox.messages) == before
