"""What stays pinned to an organisation's page until it is dealt with: each domain
registers a provider of its notices (the decisions of an emergency meeting, until the body
that ratifies them has ratified or rejected them, ...), and the organisation's page shows
them first to those who belong to it. The core knows none of the domains: it only
gathers and sorts what they give."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Notice:
    """One pinned notice: `title` what was decided, `text` what it waits for, `since` when
    it was posted (newest first)."""

    kind: str  # "emergency_decision", ...
    title: str
    text: str
    where: str  # the body and meeting, as people name them
    url: str
    since: datetime | None = None


Provider = Callable[[Any, Any], list[Notice]]
_PROVIDERS: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Register a domain's provider of notices for (organisation, person); again under the
    same name replaces it."""
    _PROVIDERS[name] = provider


def for_organisation(organisation: Any, person: Any) -> list[Notice]:
    found = [n for provider in _PROVIDERS.values() for n in provider(organisation, person)]
    return sorted(found, key=lambda n: (n.since is None, -(n.since or datetime.min).timestamp()))
