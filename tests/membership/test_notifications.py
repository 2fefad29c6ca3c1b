"""Each person chooses which kinds of notification mail they receive (all of them until
turned off), on the account page and through the API; a notification leaves only after
the commit, only to those who want it, in each recipient's own language."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.people import bearer, person, sign_in
from tests.membership.test_auth_pages import post_form
from tests.smtp import Inbox
from voting.core import notify
from voting.core.database import transaction
from voting.core.extensions import db
from voting.membership.services import accounts, notifications
from voting.membership.services.accounts import JOIN_SUBJECT

MEMBER = "yusuf@wri.example"
OTHER = "xavier@wri.example"
KINDS = {"meeting_called", "reminder", "result", "requisition"}
WHEN = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


def choices(email: str) -> dict[str, bool]:
    return {c.name: c.on for c in notifications.preferences(person(email))}


def test_every_kind_is_on_until_turned_off(app: Flask, demo: None) -> None:
    registered = {k.name for k in notify.kinds()}
    assert registered >= KINDS  # the domains' kinds, registered as they start
    assert choices(MEMBER) == dict.fromkeys(registered, True)
    assert all(notifications.wants(person(MEMBER), kind) for kind in registered)


def test_turning_one_kind_off_keeps_the_others(app: Flask, demo: None) -> None:
    notifications.set_preferences(person(MEMBER), {"reminder": False})
    db.session.expire_all()
    assert not notifications.wants(person(MEMBER), "reminder")
    assert notifications.wants(person(MEMBER), "meeting_called")
    assert notifications.wants(person(OTHER), "reminder")  # someone else's choice stays
    notifications.set_preferences(person(MEMBER), {"result": False})
    assert {k for k, on in choices(MEMBER).items() if not on} == {"reminder", "result"}
    notifications.set_preferences(person(MEMBER), {"reminder": True})
    assert {k for k, on in choices(MEMBER).items() if not on} == {"result"}


@pytest.mark.parametrize(
    ("sent", "field"),
    [({"nonsense": False}, "nonsense"), ({"reminder": "no"}, "reminder")],
)
def test_unknown_kinds_and_values_other_than_true_or_false_are_refused(
    app: Flask, demo: None, sent: dict[str, object], field: str
) -> None:
    from voting.core.errors import Invalid

    with pytest.raises(Invalid) as refused:
        notifications.set_preferences(person(MEMBER), {"result": False, **sent})
    assert refused.value.field == field
    assert all(choices(MEMBER).values())  # nothing changed, not even the valid part


def test_a_notification_goes_to_those_who_want_it_in_their_own_language(
    app: Flask, demo: None, mailbox: Inbox
) -> None:
    with transaction():
        person(MEMBER).locale = "fr"
        person(OTHER).locale = "de"
    notifications.set_preferences(person("ana@wri.example"), {"meeting_called": False})
    recipients = [person(MEMBER), person(OTHER), person("ana@wri.example")]
    with transaction():
        queued = [
            notify.send_to(
                p,
                "meeting_called",
                JOIN_SUBJECT,
                "%(name)s: %(when)s",
                organisation="WRI",
                name=p.name,
                when=WHEN,
            )
            for p in recipients
        ]
        assert mailbox.messages == []  # nothing leaves before the commit
    assert queued == [True, True, False]
    assert mailbox.to("ana@wri.example") == []
    [french] = mailbox.to(MEMBER)
    assert french["Subject"] == "Votre lien pour rejoindre WRI"
    assert "1 mars 2027" in french.get_content()  # the date in French
    [german] = mailbox.to(OTHER)
    assert german["Subject"] == "Ihr Link zum Beitritt zu WRI"
    assert "1. März 2027" in german.get_content()


def test_a_notification_of_a_write_rolled_back_never_leaves(
    app: Flask, demo: None, mailbox: Inbox
) -> None:
    with pytest.raises(RuntimeError), transaction():
        notify.send_to(person(MEMBER), "result", "Result", "Carried")
        raise RuntimeError("the write failed")
    assert mailbox.messages == []


def test_a_switched_off_account_gets_no_notification(app: Flask, demo: None) -> None:
    with transaction():
        person(MEMBER).is_active_account = False
    assert notify.send_to(person(MEMBER), "result", "Result", "Carried") is False


def test_an_unregistered_kind_is_a_mistake_in_the_code(app: Flask, demo: None) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        notify.send_to(person(MEMBER), "gossip", "Hello", "Hello")


def test_mail_about_ones_own_account_goes_out_whatever_the_choices(
    app: Flask, demo: None, mailbox: Inbox
) -> None:
    notifications.set_preferences(person(MEMBER), dict.fromkeys(KINDS, False))
    accounts.request_password_reset(MEMBER)
    [mail] = mailbox.to(MEMBER)
    assert mail["Subject"] == "Reset your password"


# --- The account page ---


def test_the_account_page_lists_the_kinds_and_saves_the_ticked_ones(
    client: FlaskClient, demo: None
) -> None:
    sign_in(client, MEMBER)
    page = client.get("/account").get_data(as_text=True)
    assert "Email notifications" in page
    assert "A deadline approaches and you have not answered yet" in page
    ticked = re.findall(r'name="kind" value="(\w+)" checked', page)
    assert set(ticked) == {k.name for k in notify.kinds()}

    saved = post_form(client, "/account/notifications", {"kind": ["meeting_called"]}, "/account")
    assert saved.status_code == 303
    db.session.expire_all()
    assert {k for k, on in choices(MEMBER).items() if on} == {"meeting_called"}
    page = client.get("/account").get_data(as_text=True)
    assert re.findall(r'name="kind" value="(\w+)" checked', page) == ["meeting_called"]


def test_the_account_page_choice_needs_a_sign_in_and_the_csrf_token(
    client: FlaskClient, demo: None
) -> None:
    assert client.post("/account/notifications", data={}).status_code in (302, 400)
    sign_in(client, MEMBER)
    assert client.post("/account/notifications", data={}).status_code == 400  # no token
    db.session.expire_all()
    assert all(choices(MEMBER).values())


# --- The API ---


def test_the_api_reads_and_changes_ones_own_choices(client: FlaskClient, demo: None) -> None:
    auth = bearer(MEMBER)
    listed = client.get("/api/v1/me/notifications", headers=auth)
    assert listed.status_code == 200
    assert {c["kind"] for c in listed.get_json() if c["on"]} >= KINDS
    changed = client.patch("/api/v1/me/notifications", json={"result": False}, headers=auth)
    assert changed.status_code == 200
    assert {c["kind"]: c["on"] for c in changed.get_json()}["result"] is False
    db.session.expire_all()
    assert choices(MEMBER)["result"] is False
    assert choices(OTHER)["result"] is True  # only the token's owner changed


def test_the_api_refuses_what_is_not_a_choice(client: FlaskClient, demo: None) -> None:
    auth = bearer(MEMBER)
    wrong = client.patch("/api/v1/me/notifications", json={"result": "off"}, headers=auth)
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["field"] == "result"
    unknown = client.patch("/api/v1/me/notifications", json={"spam": True}, headers=auth)
    assert unknown.status_code == 422
    reading = bearer(MEMBER, ("read",))
    assert (
        client.patch("/api/v1/me/notifications", json={"result": False}, headers=reading)
    ).status_code == 403
    assert client.get("/api/v1/me/notifications").status_code == 401
