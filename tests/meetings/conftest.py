"""Fixtures for live meetings: the demo WRI conference meeting, people by email, signed-in
clients (each its own cookies) and Socket.IO test clients sharing their session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import select

from voting.core.extensions import db, socketio
from voting.meetings.models import Meeting
from voting.membership.models import ApiToken, Person
from voting.membership.services.tokens import digest, new_secret


@pytest.fixture
def live(app: Flask) -> Flask:
    """The app with the demo data; pushes go out at once, forms need no CSRF token."""
    from voting.demo import load_demo

    app.config["LIVE_COALESCE_SECONDS"] = 0
    app.config["WTF_CSRF_ENABLED"] = False
    load_demo()
    return app


def person(email: str) -> Person:
    found = db.session.scalar(select(Person).where(Person.email == email))
    assert found is not None, email
    return found


class PersonClient(FlaskClient):
    """A test client for one person. The test's app context is shared by every request,
    so the signed-in person cached in `g` is dropped before each one."""

    def open(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def, override]
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def signed_in(live: Flask) -> Callable[[str], FlaskClient]:
    """A client signed in as the person with this email."""

    def make(email: str) -> FlaskClient:
        live.test_client_class = PersonClient
        client = live.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = person(email).get_id()
            session["_fresh"] = True
        return client

    return make


@pytest.fixture
def socket_for(live: Flask) -> Callable[[FlaskClient | None], Any]:
    """A Socket.IO test client sharing a page client's session (None: anonymous)."""
    made = []

    def make(client: FlaskClient | None = None) -> Any:
        g.pop("_login_user", None)
        sock = socketio.test_client(live, flask_test_client=client)
        emit = sock.emit

        def emit_as_its_person(*args: Any, **kwargs: Any) -> Any:
            # Handlers share the test's app context, and so `g`: forget the last person.
            g.pop("_login_user", None)
            return emit(*args, **kwargs)

        sock.emit = emit_as_its_person
        made.append(sock)
        return sock

    yield make
    for sock in made:
        if sock.is_connected():
            sock.disconnect()


@pytest.fixture
def conference(live: Flask) -> Meeting:
    """The demo WRI conference meeting: in session, four items, the third with a motion."""
    from voting.meetings.services.simulation import load_demo_meeting

    meeting = load_demo_meeting()
    assert meeting is not None
    return meeting


def token_for(email: str) -> str:
    secret = new_secret()
    db.session.add(
        ApiToken(person=person(email), name="test", token_hash=digest(secret), prefix=secret[:8])
    )
    db.session.commit()
    return secret
