"""Pages and the rules' explanations speak the member's language (en, fr, de, es)."""

from __future__ import annotations

import pytest

from voting.core.i18n import describe
from voting.rules.messages import Message


@pytest.mark.parametrize(
    ("language", "sign_in"),
    [("en", "Sign in"), ("fr", "Se connecter"), ("de", "Anmelden"), ("es", "Iniciar sesión")],
)
def test_login_page_follows_the_browser_language(client, language: str, sign_in: str) -> None:
    page = client.get("/login", headers={"Accept-Language": f"{language},en;q=0.5"})
    assert f"<h1>{sign_in}</h1>" in page.get_data(as_text=True)
    assert f'<html lang="{language}">' in page.get_data(as_text=True)


def test_an_unknown_language_falls_back_to_english(client) -> None:
    page = client.get("/login", headers={"Accept-Language": "pt-BR"})
    assert '<html lang="en">' in page.get_data(as_text=True)


def test_rules_explanations_are_translated_with_english_for_what_is_missing(app) -> None:
    line = Message.of("entitlement.line", holder="Ana", count=1, source=Message.of("source.own"))
    # A fresh app context each time: Flask-Babel caches the language on `g`.
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "fr"}):
        # The nested source is translated; the untranslated outer sentence stays English.
        assert describe(line) == "Ana holds 1 vote: voix propre"
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        assert describe(line) == "Ana holds 1 vote: own vote"
