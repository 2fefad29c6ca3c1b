"""SQLAlchemy models, one module per domain. Import from here: `from voting.models import Body`."""

from voting.models.audit import AuditEvent
from voting.models.auth import ApiToken, Invitation, PasswordReset
from voting.models.body import Body, BodyKind
from voting.models.org import AttendanceRecord, Organisation, Unit, UnitKind
from voting.models.people import Membership, MemberStatus, Person, Role, RoleKind

__all__ = [
    "ApiToken",
    "AttendanceRecord",
    "AuditEvent",
    "Body",
    "BodyKind",
    "Invitation",
    "MemberStatus",
    "Membership",
    "Organisation",
    "PasswordReset",
    "Person",
    "Role",
    "RoleKind",
    "Unit",
    "UnitKind",
]
