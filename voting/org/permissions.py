"""What the roles of an organisation allow in it."""

from __future__ import annotations

from voting.core.permissions import Permission

OFFICERS = frozenset({"admin", "secretary", "chair", "teller"})


class Action:
    """The organisation's permissions (operators may do everything)."""

    CREATE_ORGANISATION = Permission("create_organisation")
    MANAGE_ORGANISATION = Permission(
        "manage_organisation", frozenset({"admin"})
    )  # settings, bodies, roles
    # Roll imports, units, attendance, invitations.
    MANAGE_MEMBERS = Permission("manage_members", frozenset({"admin", "secretary"}))
    VIEW_MEMBERS = Permission("view_members", OFFICERS)
