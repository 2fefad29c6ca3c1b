"""Which kinds of notification mail a person receives.

The kinds are registered by the domains that send them (`core.notify.register_kind`);
a person's choices are the kinds they turned off (`Person.mail_off`), so everything is
on until turned off. A switched-off account receives no notification at all.
Membership registers `wants` with core (`notify.preferences_from`), so every domain's
`notify.send_to` follows the choices without knowing people.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from voting.core import notify
from voting.core.database import transaction
from voting.core.errors import Invalid
from voting.membership.models import Person


@dataclass(frozen=True)
class Choice:
    """One kind of mail as the account page shows it: its name, label, and whether on."""

    name: str
    label: str
    on: bool


def wants(person: Any, kind: str) -> bool:
    """Whether `person` receives mail of `kind`: an active account that did not turn it off."""
    if not getattr(person, "is_active_account", True):
        return False
    return kind not in (getattr(person, "mail_off", None) or ())


def preferences(person: Person) -> list[Choice]:
    """Every kind of notification, with whether `person` receives it."""
    off = set(person.mail_off or ())
    return [Choice(k.name, str(k.label), k.name not in off) for k in notify.kinds()]


def set_preferences(actor: Person, choices: Mapping[str, object]) -> list[Choice]:
    """Turn kinds of mail on (True) or off (False) for oneself; kinds not mentioned keep
    their setting. An unknown kind or a value other than true or false is refused and
    nothing changes."""
    if not isinstance(choices, Mapping):
        raise Invalid(_("Send the kinds of mail as an object of true or false."))
    for name, value in choices.items():
        if not notify.is_kind(str(name)):
            raise Invalid(
                _(
                    "There is no kind of mail “%(kind)s”. Choose among %(kinds)s.",
                    kind=name,
                    kinds=", ".join(k.name for k in notify.kinds()),
                ),
                field=str(name),
            )
        if not isinstance(value, bool):
            raise Invalid(_("%(name)s must be true or false.", name=name), field=str(name))
    with transaction():
        off = set(actor.mail_off or ())
        off |= {name for name, value in choices.items() if value is False}
        off -= {name for name, value in choices.items() if value is True}
        actor.mail_off = sorted(off)  # a new list: the JSON column sees the change
    return preferences(actor)
