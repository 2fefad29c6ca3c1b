"""Pages and the rules' explanations speak the member's language (en, fr, de, es)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

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


def test_rules_explanations_are_translated_nested_parts_too(app) -> None:
    line = Message.of("entitlement.line", holder="Ana", count=1, source=Message.of("source.own"))
    # A fresh app context each time: Flask-Babel caches the language on `g`.
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "fr"}):
        assert describe(line) == "Ana détient 1 voix\u00a0: voix propre"
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        assert describe(line) == "Ana holds 1 vote: own vote"


CATALOGUES = sorted(Path(__file__).parents[2].glob("voting/translations/*/LC_MESSAGES/*.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_string_is_translated_and_none_is_a_guess(path: Path) -> None:
    """Catalogues are compiled without fuzzy entries: a guess would show as English, and
    a translation that loses a placeholder would break the sentence it fills."""
    with path.open("rb") as f:
        catalogue = read_po(f)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"{ids[0]!r}: {'fuzzy' if message.fuzzy else 'untranslated'}")
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1]))  # a name may be used once or twice
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != wanted and len(strings) == len(ids):
                problems.append(f"{ids[0]!r}: placeholders {sorted(wanted)} in {string!r}")
    assert CATALOGUES and problems == []
