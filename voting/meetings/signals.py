"""What the meetings domain announces. Receivers run inside the sender's transaction.

* `meeting_scheduled(meeting)`: a meeting was scheduled; its first items are written.
* `meeting_closed(meeting)`: the meeting closed; its record is complete.
* `meeting_reopened(meeting)`: the chair reopened the closed meeting; a receiver refuses it
  by raising `Conflict` (the record does, once the meeting's minutes are approved).
* `motion_decided(motion)`: a test for agreement or a vote settled a motion's status
  (consensus, carried, lost, no decision, or handed over to the vote).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

meeting_scheduled = _signals.signal("meeting-scheduled")
meeting_closed = _signals.signal("meeting-closed")
meeting_reopened = _signals.signal("meeting-reopened")
motion_decided = _signals.signal("motion-decided")
