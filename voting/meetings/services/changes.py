"""What every write at a meeting does: bump the meeting's version, and once committed push
the regions of the screens it changed (`meetings/screens.py` renders them)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from voting.core import live
from voting.core.database import after_commit
from voting.core.extensions import db
from voting.meetings.models import Meeting

# The regions of the meeting screens; a write names those it changed.
ALL_REGIONS = ("status", "agenda", "item", "consensus", "speakers", "poll")
CHANNEL = "meeting"


def changed(meeting: Meeting, *regions: str, users: Iterable[int] = ()) -> None:
    """Bump the meeting's version and publish the changed regions once committed.

    The version is read again under the row's lock: with several workers on PostgreSQL
    another writer may have bumped it since this transaction loaded the meeting, and
    both would otherwise write the same number for two different changes."""
    stored = None
    if meeting.id is not None:
        with db.session.no_autoflush:
            stored = db.session.scalar(
                select(Meeting.version).where(Meeting.id == meeting.id).with_for_update()
            )
    meeting.version = max(meeting.version or 0, stored or 0) + 1
    meeting_id, users = meeting.id, tuple(users)
    after_commit(lambda: live.publish(CHANNEL, meeting_id, regions or ALL_REGIONS, users=users))
