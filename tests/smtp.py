"""A real SMTP server on the loopback for tests: it accepts every message and keeps it."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
LINK = re.compile(r"https?://\S+")


class Inbox:
    """What the server received, in order; `port` is where it listens."""

    def __init__(self, port: int) -> None:
        self.host = HOST
        self.port = port
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def link_to(self, address: str) -> str:
        """The link in the newest message to `address`, as a path on the test site."""
        message = self.to(address)[-1]
        body = message.get_content()
        found = LINK.search(body)
        assert found, f"no link in the mail to {address}:\n{body}"
        return found.group(0).removeprefix("http://localhost")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    """Run the server for the duration of the block."""
    inbox = Inbox(free_port())
    controller = Controller(inbox, hostname=HOST, port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
