"""Values from form text and JSON alike: the small `parse_*` helpers turn both into typed
values, with a message tied to the field."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from voting.core.errors import Invalid


def parse_text(value: Any, field: str, *, required: bool = True, max_length: int = 200) -> str:
    """Trimmed text; a clear message when it is missing or too long."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise Invalid(_("This is needed."), field=field)
    if len(text) > max_length:
        raise Invalid(_("At most %(n)d characters.", n=max_length), field=field)
    return text


def parse_count(value: Any, field: str) -> int:
    """A whole number, 0 or more, from a number or its text."""
    if isinstance(value, bool):
        raise Invalid(_("Give a whole number, 0 or more."), field=field)
    if isinstance(value, int):
        number = value
    else:
        text = "" if value is None else str(value).strip()
        if not re.fullmatch(r"-?\d+", text):
            raise Invalid(_("Give a whole number, 0 or more."), field=field)
        number = int(text)
    if number < 0:
        raise Invalid(_("Give a whole number, 0 or more."), field=field)
    return number


def parse_day(value: Any, field: str, *, required: bool = False) -> date | None:
    """A date as YYYY-MM-DD, or day first as DD/MM/YYYY or DD.MM.YYYY; empty is None."""
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise Invalid(_("This is needed."), field=field)
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise Invalid(
        _("%(value)s is not a date: write it as 2025-03-31 or 31/03/2025.", value=text),
        field=field,
    )


def normalise_email(value: Any, field: str = "email") -> str:
    """A syntactically valid email, lower-cased as people's logins are stored."""
    text = parse_text(value, field, max_length=254)
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(_("%(value)s is not an email address.", value=text), field=field) from None
    return result.normalized.lower()


def parse_choice(value: Any, choices: tuple[str, ...] | list[str], field: str) -> str:
    text = parse_text(value, field, max_length=64).lower()
    if text not in choices:
        raise Invalid(_("Choose one of: %(choices)s.", choices=", ".join(choices)), field=field)
    return text


# --- access ------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A value as the audit trail records it: dates as ISO text, enums as their value."""
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)
