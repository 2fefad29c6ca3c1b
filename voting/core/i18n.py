"""Translation of what the rules core says, and extraction of its sentences for catalogues.

The rules core stays free of Flask: its sentences are templates with named placeholders
in `voting.rules.messages.TEMPLATES`. Here they are looked up in the current language's
catalogue, and `extract_rule_templates` lets `pybabel extract` collect them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import get_translations

from voting.rules.messages import TEMPLATES, Message


class TranslatedTemplates(Mapping[str, str | tuple[str, str]]):
    """TEMPLATES as the current request's language has them (English where untranslated)."""

    def __getitem__(self, key: str) -> str | tuple[str, str]:
        template = TEMPLATES[key]
        translations = get_translations()
        if isinstance(template, tuple):
            singular, plural = template
            return (
                translations.ngettext(singular, plural, 1),
                translations.ngettext(singular, plural, 2),
            )
        return translations.gettext(template)

    def __iter__(self) -> Iterator[str]:
        return iter(TEMPLATES)

    def __len__(self) -> int:
        return len(TEMPLATES)


def describe(message: Message) -> str:
    """A rules-core message in the current language."""
    return message.describe(TranslatedTemplates())


def extract_rule_templates(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str | tuple[str, str], list[str]]]:
    """Babel extractor: every template of the rules core, singular/plural pairs as ngettext."""
    for key, template in TEMPLATES.items():
        if isinstance(template, tuple):
            yield 0, "ngettext", template, [key]
        else:
            yield 0, "gettext", template, [key]
