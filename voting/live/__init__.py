"""Live meetings over Socket.IO: rooms per meeting and view, pushes of rendered fragments.

Rooms: `meeting:<id>` (the JSON `state` event, for API clients), `meeting:<id>:<view>`
for each screen (`member`, `chair`, `projector`, `observer`: rendered regions with
`hx-swap-oob` ids and the meeting's version), and `user:<id>` (a person's own regions).
"""

from voting.live.publish import publish

__all__ = ["publish"]
