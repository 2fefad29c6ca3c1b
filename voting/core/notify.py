"""Notifications by email: the kinds a person may choose to receive, and sending one to a
person in their own language once the write it announces is committed.

Each domain registers the kinds of mail it sends (`register_kind`, with a label the
account page shows); the domain that keeps people (membership) registers who wants what
(`preferences_from`): core knows neither people nor their choices. `send_to` checks the
choice, then after the commit renders the subject and body in the recipient's language
(`force_locale`) and sends them through `mail.send_mail`. Mail about one's own account
(join and reset links) is not a notification: it goes out whatever the choices, through
`mail_in_language`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from flask import current_app
from flask_babel import force_locale, format_date, format_datetime
from flask_babel.speaklater import LazyString

from voting.core.database import after_commit
from voting.core.mail import send_mail


class Recipient(Protocol):
    """What a notification needs of a person."""

    email: str
    locale: str | None


@dataclass(frozen=True)
class Kind:
    """A kind of notification: `name` is what preferences store, `label` what people read."""

    name: str
    label: LazyString | str


_KINDS: dict[str, Kind] = {}

# Whether a person wants a kind of mail: set by the domain that keeps people.
_wants: list[Callable[[Any, str], bool]] = []


def register_kind(name: str, label: LazyString | str) -> Kind:
    """Register a kind of notification (again under the same name replaces its label).
    `label` should be a lazy string: it is read in the language of whoever reads it."""
    kind = Kind(name, label)
    _KINDS[name] = kind
    return kind


def kinds() -> list[Kind]:
    """Every registered kind, in the order they were registered."""
    return list(_KINDS.values())


def is_kind(name: str) -> bool:
    return name in _KINDS


def preferences_from(wants: Callable[[Any, str], bool]) -> None:
    """Tell notifications how to know whether a person wants a kind of mail."""
    _wants[:] = [wants]


def wants(person: Any, kind: str) -> bool:
    """Whether `person` wants mail of `kind` (everyone wants everything until membership
    says otherwise)."""
    return _wants[0](person, kind) if _wants else True


def _filled(values: dict[str, object]) -> dict[str, object]:
    """Values as the recipient reads them: times and dates in their language, lazy
    strings translated (call inside `force_locale`)."""
    filled: dict[str, object] = {}
    for key, value in values.items():
        if isinstance(value, datetime):
            filled[key] = format_datetime(value, "long")
        elif isinstance(value, date):
            filled[key] = format_date(value, "long")
        elif isinstance(value, LazyString):
            filled[key] = str(value)
        else:
            filled[key] = value
    return filled


def render(
    locale: str | None, subject: LazyString | str, body: LazyString | str, **values: object
) -> tuple[str, str]:
    """Subject and body in `locale` (None: the default language), with `values` filled in."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        filled = _filled(values)
        return str(subject) % filled, str(body) % filled


def mail_in_language(
    person: Recipient, subject: LazyString | str, body: LazyString | str, **values: object
) -> bool:
    """Mail `person` now, in their own language, whatever their choices (mail about their
    own account). True once the server accepted it."""
    text_subject, text_body = render(person.locale, subject, body, **values)
    return send_mail(person.email, text_subject, text_body)


def send_to(
    person: Recipient,
    kind: str,
    subject: LazyString | str,
    body: LazyString | str,
    *,
    sent: Callable[[bool], None] | None = None,
    **values: object,
) -> bool:
    """Mail `person` a notification of `kind` once the current transaction commits (at
    once outside one), in their own language; `subject` and `body` are lazy strings with
    `%(name)s` placeholders for `values`.

    Returns whether it will be sent: False if the person does not want this kind. `sent`,
    if given, is told after the commit whether the server accepted the message.
    """
    if kind not in _KINDS:
        raise ValueError(f"unknown kind of notification: {kind!r} (register_kind it first)")
    if not wants(person, kind):
        return False
    # Read now: after the commit the person's attributes would be loaded again.
    email, locale = person.email, person.locale

    def deliver() -> None:
        text_subject, text_body = render(locale, subject, body, **values)
        accepted = send_mail(email, text_subject, text_body)
        if sent is not None:
            sent(accepted)

    after_commit(deliver)
    return True


def in_background(send: Callable[..., Any], *args: Any) -> Callable[[], None]:
    """An `after_commit` hook that runs `send(*args)` from a task of its own, in an app
    context of its own: a mailing to a large roll never holds up the request, or the
    writer, that committed what it announces. Under test (`MAIL_IN_BACKGROUND` false, the
    default when testing) it runs at once, so a test reads what was sent, and nothing
    outlives the test's database."""
    from voting.core.extensions import db, socketio

    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def run() -> None:
        with app.app_context():
            try:
                send(*args)
            finally:
                db.session.remove()

    if not app.config.get("MAIL_IN_BACKGROUND", not app.testing):
        return lambda: send(*args)
    return lambda: socketio.start_background_task(run)
