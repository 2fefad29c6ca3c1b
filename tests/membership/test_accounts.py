"""Account services: what they refuse, what they store, and when they mail."""

from __future__ import annotations

import logging

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from tests.smtp import Inbox
from voting.core.audit import AuditEvent
from voting.core.database import transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.demo import DEMO_PASSWORD
from voting.membership.models import ApiToken, Invitation, Membership, PasswordReset, Person
from voting.membership.services import accounts
from voting.membership.services.passwords import verify_password
from voting.membership.services.tokens import digest, person_for_session
from voting.org.services.organisations import by_slug

NEW_PASSWORD = "a long new password"


def person(email: str) -> Person:
    return db.session.scalars(select(Person).where(Person.email == email)).one()


def invitations_of(membership: Membership) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.membership_id == membership.id)
            .order_by(Invitation.id)
        )
    )


def test_unknown_email_and_wrong_password_are_one_refusal(demo) -> None:
    refusals = []
    for email, password in (("nobody@wri.example", DEMO_PASSWORD), ("ana@wri.example", "x")):
        with pytest.raises(Invalid) as refused:
            accounts.sign_in(email, password)
        refusals.append((refused.value.message, refused.value.field))
    assert refusals[0] == refusals[1] == ("Email or password is wrong.", "password")


def test_newcomer_without_a_password_cannot_sign_in_with_an_empty_one(newcomer) -> None:
    with pytest.raises(Invalid):
        accounts.sign_in("nadia@wri.example", "")


def test_password_hashed_with_old_parameters_is_hashed_again_at_sign_in(demo) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(DEMO_PASSWORD)
    with transaction():
        person("xavier@wri.example").password_hash = weak
    accounts.sign_in("xavier@wri.example", DEMO_PASSWORD)
    stored = person("xavier@wri.example").password_hash
    assert stored != weak
    assert verify_password(stored, DEMO_PASSWORD)


def test_inviting_again_replaces_the_open_link_but_not_a_used_one(app, newcomer) -> None:
    ana = person("ana@wri.example")
    first = accounts.invite(ana, newcomer)
    [stored] = invitations_of(newcomer)
    assert stored.token_hash == digest(first)
    assert (stored.expires_at - stored.created_at).days == app.config["INVITATION_DAYS"]

    accounts.accept_invitation(first, NEW_PASSWORD, NEW_PASSWORD)
    second = accounts.invite(ana, newcomer)
    third = accounts.invite(ana, newcomer)
    used, replaced, open_ = invitations_of(newcomer)
    assert used.used_at is not None and used.revoked_at is None
    assert replaced.revoked_at is not None
    assert open_.revoked_at is None and open_.token_hash == digest(third)
    with pytest.raises(Conflict, match="replaced by a newer one"):
        accounts.invitation_for(second)
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.organisation_id == newcomer.organisation_id)
    ).all()
    assert actions.count("invitation.created") == 3
    assert actions.count("invitation.accepted") == 1


def test_only_a_secretary_of_the_organisation_sends_join_links(newcomer, mailbox: Inbox) -> None:
    wri = by_slug("wri")
    wsm = by_slug("wsm")
    with pytest.raises(NotAllowed):
        accounts.send_invitations(person("xavier@wri.example"), wri, [newcomer.id])
    with pytest.raises(NotAllowed):
        accounts.send_invitations(person("sam@wsm.example"), wri, [newcomer.id])
    with pytest.raises(Invalid, match="not members of this organisation"):
        accounts.send_invitations(person("sam@wsm.example"), wsm, [newcomer.id])
    with pytest.raises(Invalid, match="Choose at least one member"):
        accounts.send_invitations(person("ana@wri.example"), wri, [])
    assert invitations_of(newcomer) == []
    assert mailbox.messages == []


def test_join_links_are_mailed_after_the_commit_to_each_person(newcomer, mailbox: Inbox) -> None:
    xavier = db.session.scalars(
        select(Membership).join(Membership.person).where(Person.email == "xavier@wri.example")
    ).one()
    outcome = accounts.send_invitations(
        person("ana@wri.example"), by_slug("wri"), [newcomer.id, str(xavier.id), newcomer.id]
    )
    assert sorted(outcome.sent) == ["Nadia Newcomer", "Xavier Rep"]
    assert outcome.failed == []
    assert sorted(m["To"] for m in mailbox.messages) == ["nadia@wri.example", "xavier@wri.example"]
    nadia_link = mailbox.link_to("nadia@wri.example")
    xavier_link = mailbox.link_to("xavier@wri.example")
    assert nadia_link != xavier_link
    assert accounts.invitation_for(nadia_link.rsplit("/", 1)[-1]).membership_id == newcomer.id


def test_without_a_mail_server_the_message_goes_to_the_console_log(
    app, newcomer, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["SMTP_HOST"] = None  # the demo: no mail server
    with caplog.at_level(logging.WARNING):
        outcome = accounts.send_invitations(
            person("ana@wri.example"), by_slug("wri"), [newcomer.id]
        )
    assert outcome.sent == ["Nadia Newcomer"]
    assert "No SMTP_HOST configured" in caplog.text
    assert "http://localhost/join/" in caplog.text


def test_joining_with_an_existing_account_keeps_its_password_and_sessions(demo) -> None:
    quinn = person("quinn@wri.example")
    before = quinn.password_hash
    session = accounts.start_session(quinn)
    secret = accounts.invite(person("ana@wri.example"), quinn.memberships[0])
    with pytest.raises(Invalid, match="The password is wrong"):
        accounts.accept_invitation(secret, "not it")
    accounts.accept_invitation(secret, DEMO_PASSWORD)
    assert person("quinn@wri.example").password_hash == before
    assert person_for_session(session) == quinn
    with pytest.raises(Conflict, match="already used"):
        accounts.accept_invitation(secret, DEMO_PASSWORD)


def test_reset_link_is_stored_as_a_digest_and_works_once(demo, mailbox: Inbox) -> None:
    accounts.request_password_reset("Yusuf@WRI.example")
    secret = mailbox.link_to("yusuf@wri.example").rsplit("/", 1)[-1]
    assert db.session.scalars(select(PasswordReset.token_hash)).one() == digest(secret)
    session = accounts.start_session(person("yusuf@wri.example"))
    accounts.reset_password(secret, NEW_PASSWORD, NEW_PASSWORD)
    assert person_for_session(session) is None
    with pytest.raises(Conflict, match="already used"):
        accounts.reset_password(secret, NEW_PASSWORD, NEW_PASSWORD)
    assert db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "person.password_reset")
    ).one()


def test_switched_off_account_gets_no_reset_link(demo, mailbox: Inbox) -> None:
    with transaction():
        person("pia@wri.example").is_active_account = False
    accounts.request_password_reset("pia@wri.example")
    assert mailbox.messages == []
    with pytest.raises(Invalid, match="email address"):
        accounts.request_password_reset("not an address")


def test_api_token_secret_is_returned_once_and_stored_as_a_digest(demo) -> None:
    xavier = person("xavier@wri.example")
    token, secret = accounts.create_api_token(xavier, "  roll import  ")
    assert token.name == "roll import"
    assert token.prefix == secret[: accounts.TOKEN_PREFIX_LENGTH]
    assert db.session.scalars(select(ApiToken.token_hash)).one() == digest(secret)
    with pytest.raises(Invalid):
        accounts.create_api_token(xavier, "x" * (accounts.TOKEN_NAME_MAX + 1))


def test_a_token_is_revoked_only_by_its_owner_and_only_once(demo) -> None:
    token, _secret = accounts.create_api_token(person("xavier@wri.example"), "mine")
    with pytest.raises(NotFound):
        accounts.revoke_api_token(person("ana@wri.example"), token.id)
    assert accounts.api_tokens(person("xavier@wri.example")) == [token]
    accounts.revoke_api_token(person("xavier@wri.example"), token.id)
    assert accounts.api_tokens(person("xavier@wri.example")) == []
    with pytest.raises(NotFound):
        accounts.revoke_api_token(person("xavier@wri.example"), token.id)
