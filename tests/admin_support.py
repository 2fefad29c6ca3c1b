"""Helpers for the admin tests: signing in, API tokens, reading forms back from pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from voting.core.database import transaction
from voting.core.extensions import db
from voting.membership.models import ApiToken, Person
from voting.membership.services import tokens


def person(email: str) -> Person:
    found = db.session.scalars(select(Person).where(Person.email == email)).first()
    assert found is not None, email
    return found


def sign_in(client: FlaskClient, email: str) -> Person:
    """Sign in through the session, as Flask-Login would after the login form."""
    who = person(email)
    with client.session_transaction() as session:
        session["_user_id"] = f"{who.id}:{who.session_epoch}"
        session["_fresh"] = True
    return who


def bearer(email: str) -> dict[str, str]:
    """Headers with a fresh API token of the person."""
    secret = tokens.new_secret()
    with transaction():
        db.session.add(
            ApiToken(
                person_id=person(email).id,
                name="test",
                token_hash=tokens.digest(secret),
                prefix=secret[:8],
            )
        )
    return {"Authorization": f"Bearer {secret}"}


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class _FormReader(HTMLParser):
    """What a browser would submit for one form of a page, untouched by the person."""

    def __init__(self, form_index: int) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted, self.seen, self.inside = form_index, -1, False
        self.data: MultiDict[str, str] = MultiDict()
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._option: tuple[str, bool] | None = None
        self._first_option: str | None = None
        self._selected_any = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.seen += 1
            self.inside = self.seen == self.wanted
        if not self.inside:
            return
        if tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.add(a["name"], a.get("value", "on"))
            elif kind not in ("submit", "file", "button"):
                self.data.add(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select, self._first_option, self._selected_any = a["name"], None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self.data.add(self._select, value)
                self._selected_any = True
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        if not self.inside and tag != "form":
            return
        if tag == "select" and self._select is not None:
            if not self._selected_any and self._first_option is not None:
                self.data.add(self._select, self._first_option)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.data.add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None


def form_values(html: str, containing: str) -> MultiDict[str, str]:
    """The values the page's form that contains `containing` would send as it stands."""
    forms = re.findall(r"<form\b.*?</form>", html, flags=re.S)
    chosen = next(f for f in forms if containing in f)
    reader = _FormReader(0)
    reader.feed(chosen)
    return reader.data
