"""Wrong-password limits slow down whoever guesses, never the account's owner: failing in
someone's name from one place does not lock them out from theirs, a reset link still
reaches them, and behind a reverse proxy the limits count the client's own address."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import CONFIG
from tests.fixtures.people import NEW_PASSWORD, change_password, csrf_token
from tests.smtp import Inbox
from voting.app import create_app
from voting.core.audit import AuditEvent
from voting.core.extensions import db
from voting.demo import DEMO_PASSWORD

VICTIM = "ana@wri.example"
ATTACKER_ADDRESS = "10.0.0.66"
VICTIM_ADDRESS = "192.0.2.10"


def attempt(client: FlaskClient, email: str, password: str, address: str, **headers: str) -> int:
    """One sign-in from `address`; its status (303 signed in, 422 refused, 429 too many)."""
    page = client.get("/login", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True)
    return client.post(
        "/login",
        data={"csrf_token": csrf_token(page), "email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    ).status_code


def ask_for_reset(client: FlaskClient, email: str, address: str) -> int:
    page = client.get("/password/forgot").get_data(as_text=True)
    return client.post(
        "/password/forgot",
        data={"csrf_token": csrf_token(page), "email": email},
        environ_base={"REMOTE_ADDR": address},
    ).status_code


def test_wrong_passwords_in_someones_name_do_not_lock_them_out(app: Flask, demo) -> None:
    app.config["RATELIMIT_LOGIN"] = "10 per minute"
    attacker, victim = app.test_client(), app.test_client()
    tries = [attempt(attacker, VICTIM, f"guess {n}", ATTACKER_ADDRESS) for n in range(15)]
    assert tries[:10] == [422] * 10
    assert set(tries[10:]) == {429}  # the attacker is slowed down

    assert attempt(victim, VICTIM, "a typo", VICTIM_ADDRESS) == 422  # still an answer
    assert attempt(victim, VICTIM, DEMO_PASSWORD, VICTIM_ADDRESS) == 303
    # Even the right password does not get the attacker in while they are held back.
    assert attempt(app.test_client(), VICTIM, DEMO_PASSWORD, ATTACKER_ADDRESS) == 429


def test_guessing_many_accounts_from_one_address_is_stopped(app: Flask, demo) -> None:
    app.config["RATELIMIT_LOGIN_ADDRESS"] = "12 per minute"
    attacker = app.test_client()
    emails = [f"{name}@wri.example" for name in ("ana", "xavier", "yusuf", "pia", "quinn")]
    tries = [attempt(attacker, emails[n % 5], "guess", ATTACKER_ADDRESS) for n in range(14)]
    assert tries[:12] == [422] * 12
    assert tries[12:] == [429, 429]
    assert attempt(app.test_client(), "chris@wri.example", DEMO_PASSWORD, VICTIM_ADDRESS) == 303


def test_a_forged_forwarded_address_does_not_escape_the_limit(app: Flask, demo) -> None:
    app.config["RATELIMIT_LOGIN"] = "5 per minute"
    attacker = app.test_client()
    tries = [
        attempt(attacker, VICTIM, "guess", ATTACKER_ADDRESS, **{"X-Forwarded-For": f"10.9.9.{n}"})
        for n in range(7)
    ]
    assert tries == [422] * 5 + [429, 429]


def test_the_owner_can_always_reset_a_password_someone_keeps_asking_for(
    app: Flask, demo, mailbox: Inbox
) -> None:
    app.config["RATELIMIT_LOGIN"] = "10 per minute"
    attacker, victim = app.test_client(), app.test_client()
    asked = [ask_for_reset(attacker, VICTIM, ATTACKER_ADDRESS) for _ in range(12)]
    assert asked[:10] == [200] * 10
    assert set(asked[10:]) == {429}
    assert len(mailbox.to(VICTIM)) == 3  # the inbox is not flooded

    assert ask_for_reset(victim, VICTIM, VICTIM_ADDRESS) == 200
    link = mailbox.link_to(VICTIM)  # any link that reached the owner works
    page = victim.get(link).get_data(as_text=True)
    done = victim.post(
        link,
        data={
            "csrf_token": csrf_token(page),
            "password": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD,
        },
        environ_base={"REMOTE_ADDR": VICTIM_ADDRESS},
    )
    assert done.status_code == 303
    assert victim.get("/account").status_code == 200
    assert attempt(app.test_client(), VICTIM, NEW_PASSWORD, VICTIM_ADDRESS) == 303


# --- Behind a reverse proxy ---

PROXY = "10.0.0.1"


@pytest.fixture
def proxied(app: Flask, demo) -> Iterator[Flask]:
    """The same site behind one trusted reverse proxy (TRUSTED_PROXIES=1)."""
    behind = create_app(
        {
            **CONFIG,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "TRUSTED_PROXIES": 1,
            "RATELIMIT_LOGIN": "5 per minute",
            "RATELIMIT_LOGIN_ADDRESS": "8 per minute",
        }
    )
    yield behind
    with behind.app_context():
        db.engine.dispose()


def via_proxy(client: FlaskClient, email: str, password: str, forwarded: str) -> int:
    """A sign-in that reached the app through the proxy, which added the client's address."""
    return attempt(client, email, password, PROXY, **{"X-Forwarded-For": forwarded})


def test_behind_a_proxy_the_limits_count_each_clients_address(proxied: Flask) -> None:
    attacker, victim, neighbour = (proxied.test_client() for _ in range(3))
    tries = [via_proxy(attacker, VICTIM, "guess", "203.0.113.9") for _ in range(7)]
    assert tries == [422] * 5 + [429, 429]
    # Everyone comes from the proxy's address; only the attacker's own is held back.
    assert via_proxy(victim, VICTIM, DEMO_PASSWORD, "198.51.100.20") == 303
    others = [
        via_proxy(attacker, f"{name}@wri.example", "guess", "203.0.113.9")
        for name in ("xavier", "yusuf", "pia", "quinn")
    ]
    assert others == [422, 422, 422, 429]  # eight failures from that address in all
    assert via_proxy(neighbour, "xavier@wri.example", DEMO_PASSWORD, "198.51.100.21") == 303


def test_behind_a_proxy_an_address_the_client_made_up_is_not_believed(proxied: Flask) -> None:
    attacker = proxied.test_client()
    # The client sends its own X-Forwarded-For; the proxy appends the address it saw.
    tries = [via_proxy(attacker, VICTIM, "guess", f"10.9.9.{n}, 203.0.113.9") for n in range(7)]
    assert tries == [422] * 5 + [429, 429]


def recorded_address() -> object:
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "person.password_changed")
    ).one()
    return event.data["address"]


def test_the_audit_trail_records_the_clients_address_behind_a_proxy(proxied: Flask) -> None:
    client = proxied.test_client()
    assert via_proxy(client, VICTIM, DEMO_PASSWORD, "198.51.100.20") == 303
    change_password(
        client,
        environ_base={"REMOTE_ADDR": PROXY},
        headers={"X-Forwarded-For": "198.51.100.20"},
    )
    assert recorded_address() == "198.51.100.20"


def test_without_a_trusted_proxy_the_audit_trail_ignores_forwarded_addresses(
    app: Flask, demo
) -> None:
    client = app.test_client()
    assert attempt(client, VICTIM, DEMO_PASSWORD, VICTIM_ADDRESS) == 303
    change_password(
        client,
        environ_base={"REMOTE_ADDR": VICTIM_ADDRESS},
        headers={"X-Forwarded-For": "203.0.113.250"},
    )
    assert recorded_address() == VICTIM_ADDRESS
