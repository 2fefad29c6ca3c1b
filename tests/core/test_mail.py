"""Without SMTP_HOST a message is written to the log as a person reads it, so its link can
be copied from the console in development."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from voting.core.mail import send_mail

LINK = "https://vote.example/password/reset/" + "x" * 60 + "?next=1"


def test_without_a_mail_server_the_log_shows_the_message_readably(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["SMTP_HOST"] = ""
    with caplog.at_level(logging.WARNING):
        assert send_mail("zoe@example.org", "Réinitialiser", f"Bonjour Zoé,\n\n{LINK}\n") is True
    [record] = [r for r in caplog.records if "not sent" in r.getMessage()]
    logged = record.getMessage()
    assert "Subject: Réinitialiser" in logged  # not =?utf-8?q?…?=
    assert "Bonjour Zoé" in logged  # not quoted-printable
    assert f"\n{LINK}\n" in logged  # the link whole, on its own line
