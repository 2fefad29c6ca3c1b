"""Every word a person reads in a template goes through the translator.

Strips Jinja blocks, expressions and comments, then HTML tags, scripts and styles; any
letters left are text that no catalogue can translate.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
JINJA = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.S)
HIDDEN = re.compile(r"<(script|style|svg)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&[a-z]+;|&#\d+;")
# Attributes people read (or hear) must be translated too.
READ_ATTRIBUTES = re.compile(
    r'\b(?:title|alt|placeholder|aria-label|aria-description)="([^"]*)"', re.I
)


def untranslated(source: str) -> list[str]:
    text = JINJA.sub(" ", source)
    found = [a for a in READ_ATTRIBUTES.findall(text) if re.search(r"[A-Za-z]", a)]
    text = TAG.sub(" ", HIDDEN.sub(" ", text))
    text = ENTITY.sub(" ", text)
    found += [w for w in text.split() if re.search(r"[A-Za-z]", w)]
    return found


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_template_has_no_untranslated_text(template: Path) -> None:
    assert untranslated(template.read_text(encoding="utf-8")) == []


def test_the_check_catches_bare_text_and_attributes() -> None:
    assert untranslated("<p>Hello {{ _('world') }}</p>") == ["Hello"]
    assert untranslated('<input placeholder="Email">') == ["Email"]
    assert untranslated("<p>{{ _('Hello') }} {{ name }}</p>") == []
