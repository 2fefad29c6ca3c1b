"""What awaits a person: each domain registers a provider of the things that need the
person's answer or presence (open consultations, meetings in session or coming, ...), and
the home page lists them across all the person's organisations and bodies. The core knows
none of the domains: it only sorts what they give."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Awaiting:
    """One thing for the person: `now` first (a meeting in session), then the open ones by
    their `due` time, those already answered (`done`) last."""

    kind: str  # "meeting", "consultation", ...
    title: str
    where: str  # the organisation and body, as people name them
    url: str
    action: str  # what the link does: "Join", "Answer", ...
    due: datetime | None = None
    now: bool = False
    done: bool = False


Provider = Callable[[Any], list[Awaiting]]
_PROVIDERS: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Register a domain's provider (again under the same name replaces it)."""
    _PROVIDERS[name] = provider


def for_person(person: Any) -> list[Awaiting]:
    found = [item for provider in _PROVIDERS.values() for item in provider(person)]
    return sorted(
        found,
        key=lambda a: (a.done, not a.now, a.due is None, a.due or datetime.max, a.title),
    )
