"""Reminders per second to a real SMTP server on the loopback (aiosmtpd): a consultation's
reminder to 2,000 members who have not answered — each claimed in `reminder_sent`, then
mailed after the claim's commit in the member's language — beside two baselines in the
same run: the same messages sent with bare `smtplib`, one connection per message (what
`core.mail.send_mail` does), and all on one connection.
"""

from __future__ import annotations

import os
import smtplib
import tempfile
import time
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

PEOPLE = int(os.environ.get("BENCH_REMINDER_PEOPLE", "2000"))


def _bare(port: int, count: int, *, one_connection: bool) -> float:
    def message(n: int) -> EmailMessage:
        mail = EmailMessage()
        mail["From"], mail["To"] = "voting@localhost", f"m{n}@wri.example"
        mail["Subject"] = "A day left to answer: Bench"
        mail.set_content("The Executive closes its consultation soon.\n\nhttp://localhost/")
        return mail

    started = time.perf_counter()
    if one_connection:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for n in range(count):
                smtp.send_message(message(n))
    else:
        for n in range(count):
            with smtplib.SMTP("127.0.0.1", port) as smtp:
                smtp.send_message(message(n))
    return time.perf_counter() - started


def run() -> list[dict[str, Any]]:
    from sqlalchemy import select

    from tests.bench.bench_consultations import large_executive
    from tests.smtp import smtp_server
    from voting.app import create_app
    from voting.consultations.services import consultations as service
    from voting.consultations.services import mail
    from voting.core.columns import utcnow
    from voting.core.extensions import db
    from voting.membership.models import Person

    figures = []
    with tempfile.TemporaryDirectory() as folder, smtp_server() as inbox:
        database = Path(folder) / "bench.sqlite3"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                "TESTING": True,
                "SECRET_KEY": "bench",
                "SMTP_HOST": inbox.host,
                "SMTP_PORT": inbox.port,
            }
        )
        figures.append(
            {
                "name": "baseline: bare smtplib, a connection per message",
                "seconds": _bare(inbox.port, PEOPLE, one_connection=False),
                "n": PEOPLE,
                "note": "",
            }
        )
        figures.append(
            {
                "name": "baseline: bare smtplib, one connection",
                "seconds": _bare(inbox.port, PEOPLE, one_connection=True),
                "n": PEOPLE,
                "note": "",
            }
        )
        inbox.messages.clear()
        with app.app_context():
            executive = large_executive(PEOPLE, ("fr", "de", "es", None))
            ana = db.session.scalar(select(Person).where(Person.email == "ana@wri.example"))
            consultation = service.create_consultation(
                ana,
                executive,
                {
                    "title": "Bench",
                    "proposal": "Agree?",
                    "closes_at": (utcnow() + timedelta(hours=2)).isoformat(),
                },
            )
            started = time.perf_counter()
            sent = mail._send_reminder(consultation.id)  # what the background task runs
            reminding = time.perf_counter() - started
            assert len(inbox.messages) == sent, (len(inbox.messages), sent)
            figures.append(
                {
                    "name": "reminders: claimed once each, mailed in each one's language",
                    "seconds": reminding,
                    "n": sent,
                    "note": f"{sent / reminding:.0f} per second",
                }
            )
            again = time.perf_counter()
            assert mail._send_reminder(consultation.id) == 0  # a second worker sends none
            figures.append(
                {
                    "name": "the same reminders seen by a second worker (all claimed)",
                    "seconds": time.perf_counter() - again,
                    "n": sent,
                    "note": "0 sent",
                }
            )
    return figures
