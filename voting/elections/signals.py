"""What the elections domain announces. Receivers run inside the sender's transaction.

* `election_changed(election)`: nominations, the ballot or the result changed.
* `election_decided(election)`: the count is done; `election.result` names the elected.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

election_changed = _signals.signal("election-changed")
election_decided = _signals.signal("election-decided")
