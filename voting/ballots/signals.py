"""What the ballots domain announces. Receivers run inside the sender's transaction and
never commit: a poll's close and its consequences (a motion carried, an amendment
adopted) are one transaction.

* `poll_changed(poll, regions=(...))`: a write changed what screens show of the poll.
* `poll_closed(poll, actor=...)`: the poll is counted; `poll.result` holds the outcome.
* `poll_rerun(poll, rerun=..., actor=...)`: an annulled poll is put again as `rerun`.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

poll_changed = _signals.signal("poll-changed")
poll_closed = _signals.signal("poll-closed")
poll_rerun = _signals.signal("poll-rerun")
