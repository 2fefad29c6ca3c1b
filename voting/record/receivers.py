"""How the record hears what the meetings domain announces (inside its transaction)."""

from __future__ import annotations


def connect() -> None:
    from voting.meetings.signals import (
        meeting_closed,
        meeting_reopened,
        meeting_scheduled,
        motion_decided,
    )
    from voting.record.services import minutes, policies, reports

    meeting_closed.connect(minutes.on_meeting_closed)
    meeting_scheduled.connect(minutes.on_meeting_scheduled)
    meeting_reopened.connect(minutes.on_meeting_reopened)
    motion_decided.connect(minutes.on_motion_decided)
    motion_decided.connect(policies.on_motion_decided)
    meeting_closed.connect(policies.on_meeting_closed)
    meeting_closed.connect(reports.on_meeting_closed)
