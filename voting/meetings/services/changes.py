"""What every write at a meeting does: bump the meeting's version, and once committed push
the regions of the screens it changed (`meetings/screens.py` renders them)."""

from __future__ import annotations

from collections.abc import Iterable

from voting.core import live
from voting.core.database import after_commit
from voting.meetings.models import Meeting

# The regions of the meeting screens; a write names those it changed.
ALL_REGIONS = ("status", "agenda", "item", "consensus", "speakers", "poll")
CHANNEL = "meeting"


def changed(meeting: Meeting, *regions: str, users: Iterable[int] = ()) -> None:
    """Bump the meeting's version and publish the changed regions once committed."""
    meeting.version = (meeting.version or 0) + 1
    meeting_id, users = meeting.id, tuple(users)
    after_commit(lambda: live.publish(CHANNEL, meeting_id, regions or ALL_REGIONS, users=users))
