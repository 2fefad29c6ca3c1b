"""How elections react to what other domains announce (inside their transactions)."""

from __future__ import annotations

from typing import Any

from voting.ballots.models import Poll
from voting.ballots.signals import poll_closed, poll_rerun
from voting.elections.services import elections, positions
from voting.org.models import Organisation
from voting.org.signals import organisation_created


def _closed(poll: Poll, **_kw: Any) -> None:
    elections.decide(poll)
    elections.decide_recall(poll)


def _rerun(poll: Poll, rerun: Poll, **_kw: Any) -> None:
    elections.rerun(poll, rerun)


def _created(organisation: Organisation, preset: Any, **_kw: Any) -> None:
    positions.from_preset(organisation, preset)


def connect() -> None:
    poll_closed.connect(_closed, weak=False)
    poll_rerun.connect(_rerun, weak=False)
    organisation_created.connect(_created, weak=False)
