"""Every sentence lives in one catalogue, and every key the code uses exists in it."""

from __future__ import annotations

import re
import string
from fractions import Fraction
from pathlib import Path

import pytest

import voting.rules
from voting.rules.messages import TEMPLATES, Message, format_number

SOURCES = "\n".join(p.read_text() for p in Path(voting.rules.__file__).parent.glob("*.py"))


def test_every_template_key_is_used_and_every_literal_key_exists():
    literal = set(re.findall(r'"([a-z]+\.[a-z_]+)"', SOURCES))
    prefixes = {"base.", "next."}  # built from an enum value: f"base.{...}", f"next.{...}"
    for key in TEMPLATES:
        assert key in literal or any(key.startswith(p) for p in prefixes), key
    for key in literal:
        if key.split(".")[0] in {k.split(".")[0] for k in TEMPLATES}:
            assert key in TEMPLATES, key


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_templates_use_named_placeholders_only(key):
    forms = TEMPLATES[key] if isinstance(TEMPLATES[key], tuple) else (TEMPLATES[key],)
    for form in forms:
        for _, field, _, _ in string.Formatter().parse(form):
            assert field is None or field.isidentifier(), (key, field)


def test_plural_forms_and_number_formats():
    assert Message.of("source.cards", count=1, unit="Section X").describe() == "1 card of Section X"
    assert (
        Message.of("source.cards", count=3, unit="Section X").describe() == "3 cards of Section X"
    )
    assert format_number(Fraction(16, 3)) == "5 1/3"
    assert format_number(Fraction(17, 2)) == "8 1/2"
    assert format_number(Fraction(5666666664, 10**9)) == "5.66667"
    with pytest.raises(KeyError):
        Message.of("no.such.key")


def test_a_translation_swaps_the_catalogue_not_the_rules():
    message = Message.of("decision.tied", count=4, no=4)
    french = {"decision.tied": ("Rejeté : égalité, {count} voix contre {no}",) * 2}
    assert message.describe(french) == "Rejeté : égalité, 4 voix contre 4"
    assert message.data == {"count": 4, "no": 4}
