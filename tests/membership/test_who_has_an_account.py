"""No answer tells whether an email has an account before the asker's right is checked:
the sign-in and reset pages answer alike for anyone, and whoever may not add members,
hand out cards, name a proxy or check someone in is refused before the email is looked
up, with the same words whatever it is."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tests.fixtures.floor import WRI_CHAIR
from tests.fixtures.people import bearer, csrf_token, person, sign_in
from tests.smtp import Inbox
from voting.core.database import transaction
from voting.core.extensions import db
from voting.meetings.models import Meeting
from voting.membership.models import PasswordReset
from voting.org.services.organisations import by_slug

KNOWN = "yusuf@wri.example"  # a member of WRI with a password
ELSEWHERE = "sam@wsm.example"  # someone of another organisation
NEWCOMER = "nadia@wri.example"  # on the roll, no password yet
UNKNOWN = "stranger@example.org"  # nobody


def page_of(response: Any, email: str) -> tuple[int, str]:
    """What a response tells, with the asked address and the form's token taken out."""
    text = response.get_data(as_text=True)
    text = re.sub(r'(name="csrf_token" value="|name="csrf-token" content=")[^"]+', r"\1", text)
    return response.status_code, text.replace(email, "EMAIL")


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement run meanwhile, with its parameters."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append(f"{statement} {parameters}")

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def looked_up(seen: list[str], email: str) -> bool:
    return any(email in statement for statement in seen)


# --- Anyone: signing in and asking for a reset link ---


def test_a_reset_request_answers_alike_and_mails_only_an_account(
    client: FlaskClient, newcomer, mailbox: Inbox
) -> None:
    with transaction():
        person("pia@wri.example").is_active_account = False
    answers = {}
    for email in (KNOWN, NEWCOMER, "pia@wri.example", UNKNOWN):
        form = client.get("/password/forgot").get_data(as_text=True)
        answer = client.post(
            "/password/forgot", data={"csrf_token": csrf_token(form), "email": email}
        )
        answers[email] = page_of(answer, email)
    assert len(set(answers.values())) == 1, "the answers differ"
    assert answers[UNKNOWN][0] == 200
    assert {m["To"] for m in mailbox.messages} == {KNOWN, NEWCOMER}
    assert mailbox.to(UNKNOWN) == [] and mailbox.to("pia@wri.example") == []
    assert len(db.session.scalars(select(PasswordReset)).all()) == 2


def test_sign_in_answers_alike_for_nobody_a_newcomer_and_a_wrong_password(
    client: FlaskClient, newcomer
) -> None:
    answers = set()
    for email, password in ((UNKNOWN, "a guess"), (NEWCOMER, ""), (KNOWN, "a guess")):
        form = client.get("/login").get_data(as_text=True)
        answer = client.post(
            "/login", data={"csrf_token": csrf_token(form), "email": email, "password": password}
        )
        answers.add(page_of(answer, email))
    assert len(answers) == 1
    [(status, text)] = answers
    assert status == 422 and "Email or password is wrong." in text


# --- Someone without the right ---


def refusals(
    client: FlaskClient,
    path: str,
    emails: tuple[str, ...],
    json: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[set[tuple[int, str]], list[str]]:
    """What `path` answers for each email (a JSON body, or else a form from a page), and
    the SQL run meanwhile."""
    answers = set()
    with statements() as seen:
        for email in emails:
            if json is not None:
                answer = client.post(path, json={**json, "email": email}, headers=headers)
            else:
                page = client.get("/").get_data(as_text=True)
                answer = client.post(
                    path,
                    data={"csrf_token": csrf_token(page), "email": email},
                    follow_redirects=True,  # pages flash a refusal on the page sent from
                )
            answers.add(page_of(answer, email))
    return answers, seen


def test_a_member_adding_a_member_is_refused_before_the_email_is_looked_up(
    client: FlaskClient, demo
) -> None:
    for email in (KNOWN, ELSEWHERE, UNKNOWN):
        with statements() as seen:
            answer = client.post(
                "/api/v1/organisations/wri/members",
                json={"name": "Anyone", "email": email},
                headers=bearer("xavier@wri.example"),
            )
        assert answer.status_code == 403
        assert not looked_up(seen, email), email
    sign_in(client, "xavier@wri.example")
    page = client.get("/").get_data(as_text=True)
    with statements() as seen:
        answer = client.post(
            "/admin/org/wri/members/new",
            data={"csrf_token": csrf_token(page), "name": "Anyone", "email": ELSEWHERE},
        )
    assert answer.status_code in (403, 404)
    assert not looked_up(seen, ELSEWHERE)


def test_handing_out_cards_without_the_right_tells_nothing_of_the_email(
    client: FlaskClient, demo
) -> None:
    wri = by_slug("wri")
    assert wri is not None
    unit_id = next(u.id for u in wri.units if u.name == "Section X")
    answers, seen = refusals(
        client,
        "/api/v1/organisations/wri/cards",
        (KNOWN, ELSEWHERE, UNKNOWN),
        json={"unit": unit_id},
        headers=bearer("xavier@wri.example"),
    )
    [(status, _text)] = answers
    assert status == 403
    assert not any(looked_up(seen, e) for e in (KNOWN, ELSEWHERE, UNKNOWN))


def test_a_proxy_from_someone_who_cannot_attend_tells_nothing_of_the_email(
    client: FlaskClient, wri: Meeting
) -> None:
    answers, seen = refusals(
        client,
        f"/api/v1/meetings/{wri.id}/proxies",
        (KNOWN, ELSEWHERE, UNKNOWN),
        json={},
        headers=bearer(ELSEWHERE),
    )
    [(status, _text)] = answers
    assert status == 403
    assert not any(looked_up(seen, e) for e in (KNOWN, ELSEWHERE, UNKNOWN))


def test_a_member_naming_a_proxy_learns_nothing_of_people_elsewhere(
    client: FlaskClient, wri: Meeting
) -> None:
    answers, _seen = refusals(
        client,
        f"/api/v1/meetings/{wri.id}/proxies",
        (ELSEWHERE, UNKNOWN),
        json={},
        headers=bearer("xavier@wri.example"),
    )
    [(status, text)] = answers
    assert status == 422
    assert "Nobody who can attend this meeting has the email EMAIL." in text
    assert person(ELSEWHERE).name not in text


def test_checking_someone_in_without_the_right_tells_nothing_of_the_email(
    app: Flask, wri: Meeting
) -> None:
    member = app.test_client()
    sign_in(member, "xavier@wri.example")
    answers, _seen = refusals(member, f"/meetings/{wri.id}/check-in-member", (KNOWN, UNKNOWN))
    [(_status, text)] = answers
    assert "Only a teller or the chair can check people in." in text
    teller = app.test_client()
    sign_in(teller, WRI_CHAIR)
    answers, _seen = refusals(teller, f"/meetings/{wri.id}/check-in-member", (ELSEWHERE, UNKNOWN))
    [(_status, text)] = answers
    assert "This person cannot attend this meeting." in text
