"""Outgoing mail: join links and password-reset links.

Mail goes through the SMTP server in `SMTP_HOST:SMTP_PORT` (STARTTLS and login when
`SMTP_STARTTLS`, `SMTP_USER` and `SMTP_PASSWORD` are set). Without `SMTP_HOST` (the demo
has no mail server) the message is written to the console log instead, so the links
can still be copied from there. Services call `send_mail` from an `after_commit` hook:
a message never announces something that was rolled back.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


def build_message(to: str, subject: str, body_text: str) -> EmailMessage:
    """A plain-text message from the configured sender."""
    sender = current_app.config["MAIL_FROM"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body_text)
    return message


def console_text(message: EmailMessage) -> str:
    """The message as a person reads it: headers decoded, the body as written, so a link
    stays whole on its line (the message itself is quoted-printable as soon as a letter
    is not ASCII, which breaks long lines and turns `=` into `=3D`)."""
    headers = "\n".join(f"{name}: {message[name]}" for name in ("From", "To", "Subject", "Date"))
    return f"{headers}\n\n{message.get_content()}"


def send_mail(to: str, subject: str, body_text: str) -> bool:
    """Send one plain-text message; True once the server accepted it.

    Without `SMTP_HOST` the message is printed to the console log and counts as sent.
    A failure is logged and reported as False, never raised: the database write that
    asked for the mail has been committed already and must not be lost.
    """
    config = current_app.config
    message = build_message(to, subject, body_text)
    host = config["SMTP_HOST"]
    if not host:
        current_app.logger.warning(
            "No SMTP_HOST configured: this message was not sent.\n%s", console_text(message)
        )
        return True
    try:
        with smtplib.SMTP(host, config["SMTP_PORT"], timeout=TIMEOUT_SECONDS) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USER"]:
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send mail %r to %s", subject, to)
        return False
    return True
