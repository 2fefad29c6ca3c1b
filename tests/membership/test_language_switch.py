"""The language switch at the foot of every page: a visitor's choice is remembered by the
browser, a member's by the account (so mail and pushes follow), and nothing else moves."""

from __future__ import annotations

import pytest

from tests.fixtures.people import person
from tests.membership.test_auth_pages import post_form, sign_in
from voting.core.extensions import db


def language_of(page: str) -> str:
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_every_page_offers_the_switch_in_each_language(client, demo) -> None:
    for path in ("/", "/login", "/password/forgot"):
        page = client.get(path).get_data(as_text=True)
        assert 'action="/language"' in page, path
        for name in ("English", "Français", "Deutsch", "Español"):
            assert name in page, (path, name)


def test_a_visitor_s_choice_is_remembered_on_the_next_pages(client, demo) -> None:
    assert language_of(client.get("/login").get_data(as_text=True)) == "en"
    answer = post_form(client, "/language", {"locale": "fr", "next": "/login"}, page="/login")
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert language_of(page) == "fr"
    assert "Se connecter" in page
    assert language_of(client.get("/").get_data(as_text=True)) == "fr"


def test_the_choice_beats_the_browser_s_language(client, demo) -> None:
    post_form(client, "/language", {"locale": "es", "next": "/"}, page="/")
    page = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert language_of(page) == "es"


def test_a_member_s_choice_goes_to_their_account(client, demo) -> None:
    sign_in(client, "xavier@wri.example")
    post_form(client, "/language", {"locale": "de", "next": "/account"}, page="/account")
    db.session.expire_all()
    assert person("xavier@wri.example").locale == "de"
    assert language_of(client.get("/account").get_data(as_text=True)) == "de"


def test_a_member_s_account_language_wins_over_an_older_browser_choice(client, demo) -> None:
    post_form(client, "/language", {"locale": "fr", "next": "/"}, page="/")
    sign_in(client, "xavier@wri.example")
    post_form(client, "/account", {"name": "Xavier", "locale": "de"})
    assert language_of(client.get("/").get_data(as_text=True)) == "de"


def test_an_unknown_language_is_refused_and_changes_nothing(client, demo) -> None:
    sign_in(client, "xavier@wri.example")
    before = person("xavier@wri.example").locale
    answer = post_form(client, "/language", {"locale": "xx", "next": "/"}, page="/")
    assert answer.status_code == 303
    page = client.get("/").get_data(as_text=True)
    assert "Choose one of the offered languages." in page
    db.session.expire_all()
    assert person("xavier@wri.example").locale == before


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_the_switch_never_sends_people_to_another_site(client, demo, target: str) -> None:
    answer = post_form(client, "/language", {"locale": "fr", "next": target}, page="/")
    assert answer.headers["Location"] == "/"


def test_the_switch_without_csrf_token_is_refused(client, demo) -> None:
    answer = client.post("/language", data={"locale": "fr", "next": "/"})
    assert answer.status_code == 400
    assert language_of(client.get("/").get_data(as_text=True)) == "en"


def test_moments_are_written_in_the_reader_s_language(client, demo) -> None:
    from sqlalchemy import select

    from voting.meetings.models import Meeting

    meeting = db.session.scalars(select(Meeting).order_by(Meeting.id)).first()
    assert meeting is not None
    sign_in(client, "ana@wri.example")
    post_form(client, "/language", {"locale": "de", "next": "/"}, page="/")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    when = meeting.scheduled_for
    assert when.strftime("%Y-%m-%d %H:%M") not in page
    # German writes the day first, with points, and the time on 24 hours.
    written = f"{when.day:02d}.{when.month:02d}.{when.year}, {when.hour:02d}:{when.minute:02d} UTC"
    assert written in page, page[page.find("<time") : page.find("<time") + 300]
