"""Sign-ins end on the server: a session or remember cookie copied from a browser (a
shared phone at the conference, a stolen laptop) stops working when its owner signs out
or changes their password, and the cookies travel only where they should."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import CONFIG
from tests.fixtures.people import change_password, csrf_token, person
from voting.app import create_app
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.extensions import db
from voting.demo import DEMO_PASSWORD
from voting.membership.models import SignIn

SESSION = "session"
REMEMBER = "remember_token"


def sign_in(client: FlaskClient, email: str, *, remember: bool = False) -> None:
    """Sign in through the form, as a browser does."""
    page = client.get("/login").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "email": email, "password": DEMO_PASSWORD}
    if remember:
        form["remember"] = "1"
    assert client.post("/login", data=form).status_code == 303


def sign_out(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_token(page)}).status_code == 303


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


def copy_of(client: FlaskClient, app: Flask, *names: str) -> FlaskClient:
    """Another browser holding copies of `client`'s cookies `names`."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        thief.set_cookie(name, cookie.value, domain="localhost")
    return thief


def test_a_copied_session_cookie_stops_working_at_sign_out(app: Flask, demo) -> None:
    phone = app.test_client()
    sign_in(phone, "xavier@wri.example")
    thief = copy_of(phone, app, SESSION)
    assert is_signed_in(thief)  # a copy is as good as the original while it lasts

    sign_out(phone)
    assert not is_signed_in(phone)
    assert not is_signed_in(thief)


def test_a_copied_remember_cookie_stops_working_at_sign_out(app: Flask, demo) -> None:
    phone = app.test_client()
    sign_in(phone, "xavier@wri.example", remember=True)
    thief = copy_of(phone, app, REMEMBER)  # the browser closed: only the remember cookie
    assert is_signed_in(thief)

    sign_out(phone)
    assert not is_signed_in(phone)
    assert not is_signed_in(thief)


def test_signing_out_on_one_device_leaves_the_others_signed_in(app: Flask, demo) -> None:
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, "xavier@wri.example")
    sign_in(laptop, "xavier@wri.example")
    sign_out(phone)
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_a_new_password_ends_every_other_sign_in_and_its_copies(app: Flask, demo) -> None:
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "xavier@wri.example")
    sign_in(phone, "xavier@wri.example", remember=True)
    copied = copy_of(phone, app, SESSION, REMEMBER)
    remembered = copy_of(phone, app, REMEMBER)

    change_password(laptop)
    assert is_signed_in(laptop)
    for other in (phone, copied, remembered):
        assert not is_signed_in(other)


def test_a_sign_in_ends_after_the_session_days(app: Flask, demo) -> None:
    phone = app.test_client()
    sign_in(phone, "xavier@wri.example", remember=True)
    with transaction():
        for row in db.session.scalars(select(SignIn)):
            row.expires_at = utcnow() - timedelta(seconds=1)
    assert not is_signed_in(phone)
    assert not is_signed_in(copy_of(phone, app, REMEMBER))


def test_only_a_digest_of_the_session_secret_is_stored(app: Flask, demo) -> None:
    phone = app.test_client()
    sign_in(phone, "xavier@wri.example")
    [row] = db.session.scalars(select(SignIn)).all()
    with phone.session_transaction() as session:
        person_id, _sep, secret = session["_user_id"].partition(":")
    assert int(person_id) == person("xavier@wri.example").id == row.person_id
    assert secret and secret not in row.key_hash and len(row.key_hash) == 64
    # Signing in again clears the ended rows away.
    sign_out(phone)
    sign_in(phone, "xavier@wri.example")
    assert len(db.session.scalars(select(SignIn)).all()) == 1


def test_a_forged_session_naming_someone_is_refused(app: Flask, demo) -> None:
    forger = app.test_client()
    sign_in(forger, "xavier@wri.example")
    with forger.session_transaction() as session:
        _person, _sep, secret = session["_user_id"].partition(":")
        session["_user_id"] = f"{person('ana@wri.example').id}:{secret}"  # another's id
    assert not is_signed_in(forger)


def cookie_flags(response, name: str) -> str:  # type: ignore[no-untyped-def]
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    return header


def test_the_remember_cookie_is_lax_and_hidden_from_scripts(app: Flask, demo) -> None:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    answer = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page),
            "email": "xavier@wri.example",
            "password": DEMO_PASSWORD,
            "remember": "1",
        },
    )
    remember = cookie_flags(answer, REMEMBER)
    assert "SameSite=Lax" in remember
    assert "HttpOnly" in remember
    assert "Secure" not in remember  # served over plain HTTP here (PUBLIC_URL http://)


def test_cookies_are_secure_when_the_site_is_served_over_https(app: Flask, demo) -> None:
    https = create_app(
        {
            **CONFIG,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "PUBLIC_URL": "https://vote.example.org",
        }
    )
    client = https.test_client()
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    answer = client.post(
        "/login",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},  # checked by CSRF over HTTPS
        data={
            "csrf_token": csrf_token(page),
            "email": "xavier@wri.example",
            "password": DEMO_PASSWORD,
            "remember": "1",
        },
    )
    assert answer.status_code == 303
    for name in (SESSION, REMEMBER):
        flags = cookie_flags(answer, name)
        assert "Secure" in flags, flags
        assert "HttpOnly" in flags and "SameSite=Lax" in flags, flags
    with https.app_context():
        db.engine.dispose()


def test_the_settings_follow_the_environment(monkeypatch, tmp_path: Path) -> None:
    from voting.core.config import from_environment

    monkeypatch.setenv("PUBLIC_URL", "https://vote.example.org")
    monkeypatch.setenv("SESSION_DAYS", "7")
    settings = from_environment(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] is settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_DURATION"] == timedelta(days=7)
    monkeypatch.setenv("PUBLIC_URL", "http://127.0.0.1:5000")
    assert from_environment(tmp_path)["REMEMBER_COOKIE_SECURE"] is False
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    assert from_environment(tmp_path)["REMEMBER_COOKIE_SECURE"] is True
