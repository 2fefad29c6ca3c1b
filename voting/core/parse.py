"""Values from form text and JSON alike: the small `parse_*` helpers turn both into typed
values, with a message tied to the field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from voting.core.errors import Invalid


@dataclass(frozen=True)
class Limit:
    """The longest a kind of text may be, and what a person is told beyond it.

    Every text a person writes has one (pages, API and Socket.IO events go through the
    services that check it); the database's columns are at least as long (a test reads
    them from the models).
    """

    length: int
    message: LazyString  # with %(count)d, the length

    def check(self, text: str, field: str) -> str:
        """`text` itself, or a refusal naming `field` when it is longer than the limit."""
        if len(text) > self.length:
            raise Invalid(str(self.message % {"count": self.length}), field=field)
        return text


# The limits, defined once: services check them, the columns are at least this long.
NAME = Limit(200, _l("The name can be at most %(count)d characters."))
TITLE = Limit(200, _l("The title can be at most %(count)d characters."))
# A motion's or an amendment's text: a long resolution fits, a 7 MB one does not.
TEXT = Limit(20_000, _l("The text can be at most %(count)d characters."))
DESCRIPTION = Limit(2_000, _l("The description can be at most %(count)d characters."))
REASON = Limit(1_000, _l("The reason can be at most %(count)d characters."))
# Why a meeting is demanded: a requisition's grounds, copied to the meeting it calls.
GROUNDS = Limit(2_000, _l("The grounds can be at most %(count)d characters."))
NOTE = Limit(200, _l("The note can be at most %(count)d characters."))
QUESTION = Limit(1_000, _l("The question can be at most %(count)d characters."))
CHOICE = Limit(200, _l("A choice can be at most %(count)d characters."))
VIEWPOINT = Limit(64, _l("The viewpoint can be at most %(count)d characters."))
# What a person types to be recognised (a check-in code, a tracker): never long.
CODE = Limit(64, _l("The code can be at most %(count)d characters."))


def parse_text(
    value: Any,
    field: str,
    *,
    required: bool = True,
    max_length: int = 200,
    limit: Limit | None = None,
) -> str:
    """Trimmed text; a clear message when it is missing or longer than `limit` (or
    `max_length` characters)."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise Invalid(_("This is needed."), field=field)
    if limit is not None:
        return limit.check(text, field)
    if len(text) > max_length:
        raise Invalid(_("This can be at most %(count)d characters.", count=max_length), field=field)
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


def parse_moment(value: Any, field: str, zone: str | None = None) -> datetime:
    """A date and time with its time zone: ISO 8601 with an offset ("2027-01-10T18:00+01:00"),
    or a local time in `zone` (an IANA name, e.g. "Europe/Dublin"). A time without a zone is
    refused: a member in another country would read another hour."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = "" if value is None else str(value).strip()
        if not text:
            raise Invalid(_("Give the date and time."), field=field)
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise Invalid(
                _("Give the date and time as 2027-01-10T18:00 with its time zone."), field=field
            ) from None
    if moment.tzinfo is None:
        if not zone:
            raise Invalid(
                _("Give the time zone of this time (an offset such as +01:00, or a zone)."),
                field=field,
            )
        moment = moment.replace(tzinfo=time_zone(zone))
    return moment.astimezone(UTC)


def time_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            _("%(zone)s is not a time zone (write it as Europe/Dublin).", zone=str(name)[:64]),
            field="time_zone",
        ) from None
