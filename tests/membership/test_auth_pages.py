"""Signing in and out, password reset by mail, the account page, API tokens and join links,
driven through the pages the way a member or a secretary uses them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.smtp import Inbox
from voting.core.columns import utcnow
from voting.core.database import transaction
from voting.core.extensions import db
from voting.demo import DEMO_PASSWORD
from voting.membership.models import Invitation, Membership, PasswordReset, Person
from voting.membership.services import accounts
from voting.membership.services.tokens import digest

TOKEN = re.compile(r'name="csrf[_-]token" (?:value|content)="([^"]+)"')
NEW_PASSWORD = "a long new password"


def csrf_token(client: FlaskClient, page: str = "/") -> str:
    """The CSRF token a browser would find on `page`."""
    found = TOKEN.search(client.get(page).get_data(as_text=True))
    assert found, f"no CSRF token on {page}"
    return found.group(1)


def post_form(client: FlaskClient, path: str, data: dict, page: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """Post `data` the way a browser does: with the CSRF token of the page it came from."""
    token = csrf_token(client, page or path)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def sign_in(client: FlaskClient, email: str, password: str = DEMO_PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return post_form(client, "/login", {"email": email, "password": password, **extra})


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def person(email: str) -> Person:
    return db.session.scalars(select(Person).where(Person.email == email)).one()


def membership_of(email: str) -> Membership:
    return person(email).memberships[0]


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


# --- Signing in ---


def test_member_signs_in_and_sees_their_organisations(client, demo) -> None:
    answer = sign_in(client, "  Xavier@WRI.example ")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/"
    home = text(client.get("/"))
    assert "Xavier Rep" in home
    assert "War Resisters" in home


def test_wrong_password_and_unknown_email_get_the_same_answer(client, demo) -> None:
    wrong = sign_in(client, "xavier@wri.example", "not-the-password")
    unknown = sign_in(client, "nobody@wri.example", "not-the-password")
    for answer in (wrong, unknown):
        assert answer.status_code == 422
        assert "Email or password is wrong." in text(answer)
        assert 'aria-describedby="password-error"' in text(answer)
    assert 'value="xavier@wri.example"' in text(wrong)  # what was typed is kept
    assert not is_signed_in(client)


def test_switched_off_account_is_told_so_only_with_the_right_password(client, demo) -> None:
    with transaction():
        person("pia@wri.example").is_active_account = False
    refused = sign_in(client, "pia@wri.example")
    assert refused.status_code == 403
    assert "This account is switched off" in text(refused)
    guessed = sign_in(client, "pia@wri.example", "a wrong guess")
    assert "Email or password is wrong." in text(guessed)
    assert not is_signed_in(client)


def test_sign_in_returns_to_the_page_that_asked_for_it(client, demo) -> None:
    asked = client.get("/account/tokens")
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/login?next=%2Faccount%2Ftokens"
    page = text(client.get(asked.headers["Location"]))
    assert 'name="next" value="/account/tokens"' in page
    answer = sign_in(client, "xavier@wri.example", next="/account/tokens")
    assert answer.headers["Location"] == "/account/tokens"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"],
)
def test_sign_in_never_sends_people_to_another_site(client, demo, target: str) -> None:
    answer = sign_in(client, "xavier@wri.example", next=target)
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/"


def test_sign_in_form_without_csrf_token_is_refused(client, demo) -> None:
    answer = client.post("/login", data={"email": "xavier@wri.example", "password": DEMO_PASSWORD})
    assert answer.status_code == 400
    assert "The form expired" in text(answer)
    assert not is_signed_in(client)


def test_eleventh_failed_sign_in_within_a_minute_is_refused(app, client, demo) -> None:
    app.config["RATELIMIT_LOGIN"] = "10 per minute"
    token = csrf_token(client, "/login")
    attempt = {"csrf_token": token, "email": "ana@wri.example", "password": "guess"}
    for _ in range(10):
        assert client.post("/login", data=attempt).status_code == 422
    blocked = client.post("/login", data={**attempt, "password": DEMO_PASSWORD})
    assert blocked.status_code == 429
    assert "Too many attempts. Wait a minute and try again." in text(blocked)
    assert client.get("/login").status_code == 200  # the form itself still shows


def test_successful_sign_ins_do_not_use_up_the_limit(app, demo) -> None:
    app.config["RATELIMIT_LOGIN"] = "2 per minute"
    for _ in range(4):  # four phones behind the same conference wifi
        assert sign_in(app.test_client(), "xavier@wri.example").status_code == 303


# --- Signing out ---


def test_sign_out_needs_a_post_with_the_csrf_token(client, demo) -> None:
    sign_in(client, "xavier@wri.example")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert is_signed_in(client)
    answer = post_form(client, "/logout", {}, page="/", follow_redirects=True)
    assert "You are signed out." in text(answer)
    assert not is_signed_in(client)


# --- Password reset by mail ---


def ask_for_reset(client: FlaskClient, email: str):  # type: ignore[no-untyped-def]
    return post_form(client, "/password/forgot", {"email": email})


def test_forgotten_password_reset_through_the_mailed_link(app, demo, mailbox: Inbox) -> None:
    old_phone, laptop = app.test_client(), app.test_client()
    sign_in(old_phone, "yusuf@wri.example")

    answer = ask_for_reset(laptop, "Yusuf@wri.example")
    assert "If an account exists for that address, we sent a link" in text(answer)
    [mail] = mailbox.to("yusuf@wri.example")
    assert mail["Subject"] == "Reset your password"
    link = mailbox.link_to("yusuf@wri.example")
    secret = link.rsplit("/", 1)[-1]
    stored = db.session.scalars(select(PasswordReset)).one()
    assert stored.token_hash == digest(secret) != secret

    form = laptop.get(link)
    assert "Choose a new password" in text(form)
    assert form.headers["Referrer-Policy"] == "strict-origin"  # the origin, never the path
    mismatch = post_form(laptop, link, {"password": NEW_PASSWORD, "confirmation": "something else"})
    assert mismatch.status_code == 422
    assert "The two passwords are not the same." in text(mismatch)
    too_short = post_form(laptop, link, {"password": "short", "confirmation": "short"})
    assert "at least 10 characters" in text(too_short)

    done = post_form(laptop, link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert done.status_code == 303
    assert is_signed_in(laptop)
    assert not is_signed_in(old_phone)  # the old session ended

    assert sign_in(app.test_client(), "yusuf@wri.example").status_code == 422
    assert sign_in(app.test_client(), "yusuf@wri.example", NEW_PASSWORD).status_code == 303

    reused = app.test_client().get(link)
    assert reused.status_code == 409
    assert "This link was already used" in text(reused)


def test_expired_reset_link_says_so(client, demo, mailbox: Inbox) -> None:
    ask_for_reset(client, "yusuf@wri.example")
    link = mailbox.link_to("yusuf@wri.example")
    with transaction():
        db.session.scalars(select(PasswordReset)).one().expires_at = utcnow() - timedelta(minutes=1)
    for answer in (
        client.get(link),
        post_form(client, link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}, "/"),
    ):
        assert "This link has expired; ask for a new one." in text(answer)
        assert 'href="/password/forgot"' in text(answer)
    assert sign_in(client, "yusuf@wri.example", NEW_PASSWORD).status_code == 422


def test_unknown_reset_link_is_explained(client, demo) -> None:
    answer = client.get("/password/reset/not-a-real-link")
    assert answer.status_code == 404
    assert "This password reset link is not valid" in text(answer)


def test_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(
    client, demo, mailbox: Inbox
) -> None:
    answer = ask_for_reset(client, "stranger@example.org")
    assert answer.status_code == 200
    assert "If an account exists for that address, we sent a link" in text(answer)
    assert mailbox.messages == []
    assert db.session.scalars(select(PasswordReset)).first() is None


def test_asking_for_reset_links_again_and_again_is_limited(app, demo, mailbox: Inbox) -> None:
    app.config["RATELIMIT_LOGIN"] = "2 per minute"
    from_one_place = [
        post_form(app.test_client(), "/password/forgot", {"email": "yusuf@wri.example"})
        for _ in range(3)
    ]
    assert [a.status_code for a in from_one_place] == [200, 200, 429]
    # From many places the answer stays the same, but the inbox gets no more than the
    # links that can be open at once.
    from_many = [
        post_form(
            app.test_client(),
            "/password/forgot",
            {"email": "yusuf@wri.example"},
            environ_base={"REMOTE_ADDR": f"10.0.1.{number}"},
        )
        for number in range(3)
    ]
    assert [a.status_code for a in from_many] == [200, 200, 200]
    assert "we sent a link" in text(from_many[-1])
    assert len(mailbox.to("yusuf@wri.example")) == accounts.RESET_LINKS_OPEN_MAX


def test_a_newer_password_ends_older_reset_links(client, demo, mailbox: Inbox) -> None:
    ask_for_reset(client, "yusuf@wri.example")
    first = mailbox.link_to("yusuf@wri.example")
    ask_for_reset(client, "yusuf@wri.example")
    second = mailbox.link_to("yusuf@wri.example")
    post_form(client, second, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert "This link was already used" in text(client.get(first))


# --- The account page ---


def test_member_changes_name_and_language(client, demo) -> None:
    sign_in(client, "xavier@wri.example")
    bad = post_form(client, "/account", {"name": "  ", "locale": "fr"})
    assert bad.status_code == 422
    assert "Enter your name." in text(bad)
    saved = post_form(client, "/account", {"name": "Xavier R.", "locale": "fr"})
    assert saved.status_code == 303
    assert person("xavier@wri.example").name == "Xavier R."
    assert person("xavier@wri.example").locale == "fr"
    assert '<html lang="fr">' in text(client.get("/account"))


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, demo) -> None:
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, "xavier@wri.example")
    sign_in(laptop, "xavier@wri.example")
    change = {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}

    wrong = post_form(
        laptop, "/account/password", {"current_password": "nope", **change}, "/account"
    )
    assert wrong.status_code == 422
    assert 'id="current_password-error"' in text(wrong)
    assert "Your current password is wrong." in text(wrong)

    done = post_form(
        laptop,
        "/account/password",
        {"current_password": DEMO_PASSWORD, **change},
        "/account",
        follow_redirects=True,
    )
    assert "Your new password is saved" in text(done)
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)


# --- API tokens in the pages ---


def test_member_creates_sees_once_and_revokes_an_api_token(client, demo) -> None:
    sign_in(client, "xavier@wri.example")
    nameless = post_form(client, "/account/tokens", {"name": ""})
    assert nameless.status_code == 422
    assert "Give the token a name" in text(nameless)

    created = post_form(client, "/account/tokens", {"name": "roll import", "scope": "read"})
    secret = re.search(r'id="new-token" type="text" value="([^"]+)"', text(created)).group(1)
    assert "shown only this once" in text(created)
    assert created.headers["Cache-Control"] == "no-store"
    auth = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=auth).get_json()["email"] == "xavier@wri.example"

    listing = text(client.get("/account/tokens"))
    assert "roll import" in listing
    assert f"{secret[:8]}…" in listing
    assert secret not in listing

    token_id = re.search(r"/account/tokens/(\d+)/revoke", listing).group(1)
    revoked = post_form(
        client, f"/account/tokens/{token_id}/revoke", {}, "/account/tokens", follow_redirects=True
    )
    assert "no longer works" in text(revoked)
    assert client.get("/api/v1/me", headers=auth).status_code == 401


def test_nobody_revokes_someone_elses_token(app, demo) -> None:
    owner, other = app.test_client(), app.test_client()
    sign_in(owner, "xavier@wri.example")
    post_form(owner, "/account/tokens", {"name": "mine", "scope": "read"})
    token_id = re.search(r"/account/tokens/(\d+)/revoke", text(owner.get("/account/tokens")))
    sign_in(other, "yusuf@wri.example")
    answer = post_form(
        other,
        f"/account/tokens/{token_id.group(1)}/revoke",
        {},
        "/account/tokens",
        follow_redirects=True,
    )
    assert "No such token." in text(answer)
    assert "mine" in text(owner.get("/account/tokens"))


# --- Invitations and join links ---


def send_links(client: FlaskClient, slug: str, *membership_ids: int, **kwargs):  # type: ignore[no-untyped-def]
    return post_form(
        client,
        f"/org/{slug}/invitations",
        {"membership_id": [str(i) for i in membership_ids]},
        **kwargs,
    )


def test_newcomer_joins_through_the_link_the_secretary_mailed(
    app, client, newcomer: Membership, mailbox: Inbox
) -> None:
    sign_in(client, "ana@wri.example")
    page = text(client.get("/org/wri/invitations"))
    assert "Nadia Newcomer" in page
    assert "not invited" in page
    assert "has joined" in page  # the demo people

    sent = send_links(client, "wri", newcomer.id, follow_redirects=True)
    assert "A join link was sent to 1 member." in text(sent)
    assert "invited on" in text(sent)
    [mail] = mailbox.to("nadia@wri.example")
    assert mail["Subject"] == "Your link to join War Resisters' International"
    link = mailbox.link_to("nadia@wri.example")

    nadia = app.test_client()
    form = text(nadia.get(link))
    assert "Join War Resisters&#39; International" in form
    assert "Welcome, Nadia Newcomer." in form
    assert 'autocomplete="new-password"' in form
    short = post_form(nadia, link, {"password": "short", "confirmation": "short"})
    assert short.status_code == 422
    joined = post_form(nadia, link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert joined.status_code == 303
    assert joined.headers["Location"] == "/org/wri/"
    assert "Welcome to War Resisters" in text(nadia.get("/org/wri/"))
    assert is_signed_in(nadia)

    again = app.test_client().get(link)
    assert again.status_code == 409
    assert "This join link was already used" in text(again)
    assert sign_in(app.test_client(), "nadia@wri.example", NEW_PASSWORD).status_code == 303
    assert "has joined" in text(client.get("/org/wri/invitations"))


def test_member_with_an_account_joins_a_second_organisation_with_their_password(
    app, client, demo, mailbox: Inbox
) -> None:
    sign_in(client, "ana@wri.example")
    send_links(client, "wri", membership_of("quinn@wri.example").id)
    link = mailbox.link_to("quinn@wri.example")
    quinn = app.test_client()
    form = text(quinn.get(link))
    assert "You have an account here already" in form
    assert 'autocomplete="current-password"' in form
    wrong = post_form(quinn, link, {"password": "not it"})
    assert "The password is wrong." in text(wrong)
    assert post_form(quinn, link, {"password": DEMO_PASSWORD}).status_code == 303
    assert is_signed_in(quinn)


def test_expired_and_replaced_join_links_are_explained(
    client, newcomer: Membership, mailbox: Inbox
) -> None:
    sign_in(client, "ana@wri.example")
    send_links(client, "wri", newcomer.id)
    first = mailbox.link_to("nadia@wri.example")
    send_links(client, "wri", newcomer.id)
    second = mailbox.link_to("nadia@wri.example")
    assert "replaced by a newer one" in text(client.get(first))

    with transaction():
        db.session.scalars(
            select(Invitation).where(Invitation.revoked_at.is_(None))
        ).one().expires_at = utcnow() - timedelta(days=1)
    expired = client.get(second)
    assert "This join link has expired. Ask your secretary for a new one." in text(expired)
    assert "link expired on" in text(client.get("/org/wri/invitations"))
    assert "This join link is not valid" in text(client.get("/join/made-up"))


def test_secretary_of_another_organisation_cannot_invite_these_members(
    client, newcomer: Membership, mailbox: Inbox
) -> None:
    sign_in(client, "sam@wsm.example")
    through_own = send_links(client, "wsm", newcomer.id)
    assert through_own.status_code == 422
    assert "Some of the chosen people are not members of this organisation." in text(through_own)
    assert client.get("/org/wri/invitations").status_code == 403
    through_theirs = send_links(client, "wri", newcomer.id, page="/org/wsm/invitations")
    assert through_theirs.status_code == 403
    assert mailbox.messages == []
    assert db.session.scalars(select(Invitation)).first() is None


def test_plain_member_cannot_open_the_invitations_page(client, demo) -> None:
    sign_in(client, "xavier@wri.example")
    assert client.get("/org/wri/invitations").status_code == 403
    assert client.get("/org/nowhere/invitations").status_code == 404


def test_sending_nothing_asks_to_choose_members(client, demo, mailbox: Inbox) -> None:
    sign_in(client, "ana@wri.example")
    answer = send_links(client, "wri")
    assert answer.status_code == 422
    assert 'aria-describedby="membership_ids-error"' in text(answer)
    assert "Choose at least one member." in text(answer)


def test_invitations_form_without_csrf_token_is_refused(client, newcomer, mailbox) -> None:
    sign_in(client, "ana@wri.example")
    answer = client.post("/org/wri/invitations", data={"membership_id": [str(newcomer.id)]})
    assert answer.status_code == 400
    assert mailbox.messages == []


def test_secretary_prints_a_qr_sheet_of_fresh_join_links(app, client, newcomer) -> None:
    sign_in(client, "ana@wri.example")
    chosen = text(client.get("/org/wri/invitations?choose=waiting"))
    assert re.search(rf'value="{newcomer.id}" checked', chosen)
    ines = membership_of("ines@wri.example")
    sheet = post_form(
        client,
        "/org/wri/invitations/sheet",
        {"membership_id": [str(newcomer.id), str(ines.id)]},
        page="/org/wri/invitations",
    )
    page = text(sheet)
    assert sheet.status_code == 200
    assert page.count("<svg") == 2
    assert "Nadia Newcomer" in page
    assert "Ines Individual" in page
    links = re.findall(r"<code>http://localhost(/join/[^<]+)</code>", page)
    assert len(links) == 2
    assert sheet.headers["Cache-Control"] == "no-store"
    nadia_link = next(link for link in links if "Welcome, Nadia" in text(client.get(link)))
    joined = post_form(
        app.test_client(), nadia_link, {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    )
    assert joined.status_code == 303


def test_mail_that_cannot_be_sent_is_reported_and_the_link_kept(app, client, newcomer) -> None:
    from tests.smtp import free_port

    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())  # nothing listens there
    sign_in(client, "ana@wri.example")
    answer = send_links(client, "wri", newcomer.id, follow_redirects=True)
    assert "The mail to Nadia Newcomer could not be sent" in text(answer)
    assert db.session.scalars(select(Invitation)).one().membership_id == newcomer.id
