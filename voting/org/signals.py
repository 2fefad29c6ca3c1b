"""What the org domain announces. Receivers run inside the sender's transaction and never
commit.

* `unit_deleting(unit)`: a unit is about to be deleted; a domain that still needs it
  (members belong to it, delegates represent it) raises a Conflict saying so.
* `body_deleting(body)`: the same for a body (roles are held for it).
* `organisation_created(organisation, preset=...)`: an organisation was made from a
  preset; domains set up what the preset says of them (the positions it elects).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

unit_deleting = _signals.signal("unit-deleting")
body_deleting = _signals.signal("body-deleting")
organisation_created = _signals.signal("organisation-created")
