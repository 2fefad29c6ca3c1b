"""Accounts: signing in and out, passwords and reset links, join links (invitations), API
tokens.

Secrets (sign-ins, reset links, join links, API tokens) are random, handed out once, and
stored only as `tokens.digest(secret)`. Mail leaves through `after_commit`, after the
write it announces is safe in the database. A new password ends every sign-in and every
API token of the person.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import delete, func, or_, select, update

from voting.core import audit, notify
from voting.core.api import SCOPES, Credential
from voting.core.columns import utcnow
from voting.core.database import after_commit, transaction
from voting.core.errors import Conflict, Invalid, NotAllowed, NotFound
from voting.core.extensions import db
from voting.core.permissions import require
from voting.core.throttle import client_address
from voting.membership.models import (
    ApiToken,
    Invitation,
    Membership,
    PasswordReset,
    Person,
    SignIn,
)
from voting.membership.services.passwords import (
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from voting.membership.services.tokens import digest, new_secret, split_session_id
from voting.org.models import Organisation
from voting.org.permissions import Action

NAME_MAX = 200
TOKEN_NAME_MAX = 100
TOKEN_PREFIX_LENGTH = 8
# Reset links open at once for one person: asking again and again (whoever asks) sends
# no more mail, and the links already in the inbox still work.
RESET_LINKS_OPEN_MAX = 3


def normalise_email(email: str) -> str:
    """Emails are stored lower-cased and compared that way."""
    return email.strip().lower()


def person_by_email(email: str) -> Person | None:
    return db.session.scalars(select(Person).where(Person.email == normalise_email(email))).first()


def public_url(endpoint: str, **values: object) -> str:
    """An absolute address under PUBLIC_URL, for links that leave the site by mail or paper."""
    path = url_for(endpoint, _external=False, **values)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def _inactive() -> NotAllowed:
    return NotAllowed(
        _("This account is switched off. Ask your secretary if you think this is a mistake.")
    )


def _hash_new_password(password: str, confirmation: str) -> str:
    if len(password) < MIN_LENGTH:
        raise Invalid(
            _("Choose a password of at least %(count)d characters.", count=MIN_LENGTH),
            field="password",
        )
    if password != confirmation:
        raise Invalid(_("The two passwords are not the same."), field="confirmation")
    return hash_password(password)


def _set_password(person: Person, password_hash: str, keep_session: str | None = None) -> None:
    """Store a new password; every sign-in (but `keep_session`, the one making the change),
    every API token and every open reset link of the person stop working."""
    now = utcnow()
    person.password_hash = password_hash
    ended = update(SignIn).where(SignIn.person_id == person.id, SignIn.ended_at.is_(None))
    kept = split_session_id(keep_session) if keep_session else None
    if kept is not None:
        ended = ended.where(SignIn.key_hash != digest(kept[1]))
    db.session.execute(ended.values(ended_at=now))
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.person_id == person.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.person_id == person.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )


def _mail_to(person: Person, subject: LazyString, body: LazyString, **values: object) -> bool:
    """Mail `person` in their own language, filling `values` into subject and body: mail
    about their own account, sent whatever they chose to receive."""
    return notify.mail_in_language(person, subject, body, **values)


# --- Signing in ---


def sign_in(email: str, password: str) -> Person:
    """The person with this email and password, or one refusal whatever was wrong.

    The message never tells whether the email has an account. A password hashed with
    weaker parameters than today's is hashed again while we know it.
    """
    person = person_by_email(email)
    # verify_password does the same work for an unknown email, so timing tells nothing.
    if not verify_password(person.password_hash if person else None, password) or not person:
        raise Invalid(_("Email or password is wrong."), field="password")
    if not person.is_active_account:
        raise _inactive()
    if person.password_hash and needs_rehash(person.password_hash):
        with transaction():
            person.password_hash = hash_password(password)
    return person


def start_session(person: Person) -> str:
    """Start a sign-in of `person` in one browser; returns what its session holds.

    A sign-in lasts `SESSION_DAYS` at most. The person's ended and expired sign-ins are
    cleared away at the same time.
    """
    secret = new_secret()
    now = utcnow()
    with transaction():
        db.session.execute(
            delete(SignIn).where(
                SignIn.person_id == person.id,
                or_(SignIn.ended_at.is_not(None), SignIn.expires_at <= now),
            )
        )
        db.session.add(
            SignIn(
                person_id=person.id,
                key_hash=digest(secret),
                created_at=now,
                expires_at=now + timedelta(days=current_app.config["SESSION_DAYS"]),
            )
        )
    session_id = f"{person.id}:{secret}"
    person.signed_in_as = session_id  # type: ignore[attr-defined]
    return session_id


def sign_out(session_id: str) -> None:
    """End one sign-in: its session cookie, and any copy of it, no longer sign anyone in."""
    parts = split_session_id(session_id)
    if parts is None:
        return
    person_id, secret = parts
    with transaction():
        db.session.execute(
            update(SignIn)
            .where(
                SignIn.person_id == person_id,
                SignIn.key_hash == digest(secret),
                SignIn.ended_at.is_(None),
            )
            .values(ended_at=utcnow())
        )


# --- Password reset ---


RESET_SUBJECT = _l("Reset your password")
RESET_BODY = _l(
    "Hello %(name)s,\n\n"
    "Someone (we hope you) asked to reset the password of your account. "
    "Open this link to choose a new one:\n\n%(url)s\n\n"
    "The link works once, for %(minutes)d minutes. If you did not ask for it, "
    "ignore this message: your password stays as it is.\n"
)


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account has this email; answer the same either way.

    While `RESET_LINKS_OPEN_MAX` links of the person are open, no more are made: nobody
    floods an inbox, and nobody who asks in someone's name stops them resetting (the
    links already mailed to them work).
    """
    if "@" not in email:
        raise Invalid(_("Enter the email address of your account."), field="email")
    person = person_by_email(email)
    if person is None or not person.is_active_account:
        return
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    secret = new_secret()
    with transaction():
        open_links = db.session.scalar(
            select(func.count())
            .select_from(PasswordReset)
            .where(
                PasswordReset.person_id == person.id,
                PasswordReset.used_at.is_(None),
                PasswordReset.expires_at > utcnow(),
            )
        )
        if open_links >= RESET_LINKS_OPEN_MAX:
            return
        db.session.add(
            PasswordReset(
                person_id=person.id,
                token_hash=digest(secret),
                expires_at=utcnow() + timedelta(minutes=minutes),
            )
        )
        url = public_url("auth.reset", token=secret)
        after_commit(
            lambda: _mail_to(
                person, RESET_SUBJECT, RESET_BODY, name=person.name, url=url, minutes=minutes
            )
        )


def password_reset_for(secret: str) -> PasswordReset:
    """The reset a link stands for, or a refusal saying what is wrong with the link."""
    reset = db.session.scalars(
        select(PasswordReset).where(PasswordReset.token_hash == digest(secret))
    ).first()
    if reset is None:
        raise NotFound(
            _(
                "This password reset link is not valid. Check that you copied the whole "
                "link, or ask for a new one."
            )
        )
    if reset.used_at is not None:
        raise Conflict(_("This link was already used. Ask for a new one if you need it."))
    if reset.expires_at <= utcnow():
        raise Conflict(_("This link has expired; ask for a new one."))
    if not reset.person.is_active_account:
        raise _inactive()
    return reset


def reset_password(secret: str, password: str, confirmation: str) -> Person:
    """Set a new password through a reset link; the link and every other session end."""
    password_reset_for(secret)  # a dead link is refused before the password is judged
    password_hash = _hash_new_password(password, confirmation)
    with transaction():
        reset = password_reset_for(secret)  # again, under the write lock: a link works once
        reset.used_at = utcnow()
        _set_password(reset.person, password_hash)
        audit.record(
            "person.password_reset",
            actor=reset.person,
            organisation_id=None,
            address=client_address(),
        )
    return reset.person


# --- The account page ---


def update_account(actor: Person, *, name: str, locale: str | None) -> None:
    """Change one's own name and language (empty language: follow the browser)."""
    name = name.strip()
    if not name:
        raise Invalid(_("Enter your name."), field="name")
    if len(name) > NAME_MAX:
        raise Invalid(_("A name has at most %(count)d characters.", count=NAME_MAX), field="name")
    if locale and locale not in current_app.config["LANGUAGES"]:
        raise Invalid(_("Choose one of the offered languages."), field="locale")
    with transaction():
        actor.name = name
        actor.locale = locale or None


def choose_language(actor: Person, locale: str) -> None:
    """One's own language, chosen from the switch at the foot of a page."""
    if locale not in current_app.config["LANGUAGES"]:
        raise Invalid(_("Choose one of the offered languages."), field="locale")
    with transaction():
        actor.locale = locale


def change_password(
    actor: Person,
    current: str,
    password: str,
    confirmation: str,
    *,
    keep_session: str | None = None,
) -> None:
    """Change one's own password; every sign-in of the account but `keep_session` (the
    one making the change) ends, and every API token."""
    if not verify_password(actor.password_hash, current):
        raise Invalid(_("Your current password is wrong."), field="current_password")
    password_hash = _hash_new_password(password, confirmation)
    with transaction():
        _set_password(actor, password_hash, keep_session)
        audit.record(
            "person.password_changed",
            actor=actor,
            organisation_id=None,
            address=client_address(),
        )


# --- Invitations (join links) ---
#
# Who may choose a password through a join link. People are shared between
# organisations by email, and any organisation's secretary can add an address and make a
# link for it to print or hand out, so such a link proves nothing about the address. It
# chooses the password only of a person this organisation alone holds: signing in as
# them reaches nothing of anyone else's. A person who also belongs to another
# organisation (or runs the installation) gets a password only from whoever controls
# their address: through a join link mailed to it (its sender never sees the secret) or
# a reset link asked for on the sign-in page. Once they have a password, any join link
# of theirs asks for it and only adds the organisation.


class InvitationState(enum.StrEnum):
    JOINED = "joined"
    INVITED = "invited"
    EXPIRED = "expired"
    NOT_INVITED = "not_invited"


@dataclass(frozen=True)
class MemberInvitation:
    """A member as the invitations page lists them: have they joined, were they invited."""

    membership: Membership
    state: InvitationState
    invitation: Invitation | None


@dataclass(frozen=True)
class JoinLink:
    membership: Membership
    url: str
    expires_at: datetime


@dataclass
class MailOutcome:
    """Names of the people a batch of mail reached, and of those it could not reach."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


JOIN_SUBJECT = _l("Your link to join %(organisation)s")
JOIN_BODY = _l(
    "Hello %(name)s,\n\n"
    "%(organisation)s takes its decisions on this platform. Open your personal link "
    "to join:\n\n%(url)s\n\n"
    "The link is for you alone and works once, until %(expires)s. "
    "If it has expired, ask your secretary for a new one.\n"
)


def invite(actor: Person, membership: Membership, *, mailed: bool = False) -> str:
    """Create a personal join link for a membership and return its secret.

    Older links of the same membership that are still open stop working: only the
    newest link a member was given lets them in. `mailed`: the secret goes to the
    person's address only, never to the secretary (see the note above).
    """
    require(actor, Action.MANAGE_MEMBERS, membership.organisation)
    secret = new_secret()
    now = utcnow()
    with transaction():
        db.session.execute(
            update(Invitation)
            .where(
                Invitation.membership_id == membership.id,
                Invitation.used_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        db.session.add(
            Invitation(
                membership_id=membership.id,
                token_hash=digest(secret),
                created_at=now,
                expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
                mailed=mailed,
            )
        )
        audit.record(
            "invitation.created",
            actor=actor,
            organisation_id=membership.organisation_id,
            membership_id=membership.id,
            mailed=mailed,
        )
    return secret


def _membership_ids(values: Iterable[object]) -> list[int]:
    try:
        ids = list(dict.fromkeys(int(str(value)) for value in values))
    except ValueError:
        raise Invalid(_("Choose members from the list."), field="membership_ids") from None
    if not ids:
        raise Invalid(_("Choose at least one member."), field="membership_ids")
    return ids


def _chosen_memberships(
    actor: Person, organisation: Organisation, membership_ids: Iterable[object]
) -> list[Membership]:
    require(actor, Action.MANAGE_MEMBERS, organisation)
    ids = _membership_ids(membership_ids)
    memberships = list(
        db.session.scalars(
            select(Membership)
            .join(Membership.person)
            .where(Membership.id.in_(ids), Membership.organisation_id == organisation.id)
            .order_by(Person.name)
        )
    )
    if len(memberships) != len(ids):
        raise Invalid(
            _("Some of the chosen people are not members of this organisation."),
            field="membership_ids",
        )
    return memberships


def _new_links(
    actor: Person, organisation: Organisation, membership_ids: Iterable[object], *, mailed: bool
) -> list[JoinLink]:
    memberships = _chosen_memberships(actor, organisation, membership_ids)
    expires_at = utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"])
    with transaction():
        return [
            JoinLink(m, public_url("auth.join", token=invite(actor, m, mailed=mailed)), expires_at)
            for m in memberships
        ]


def join_links(
    actor: Person, organisation: Organisation, membership_ids: Iterable[object]
) -> list[JoinLink]:
    """Fresh join links for chosen members of `organisation` (to print or hand out).

    Such a link lets a person choose their password only if this organisation alone
    holds them (see the note on invitations); others are asked to prove their address.
    """
    return _new_links(actor, organisation, membership_ids, mailed=False)


def _mail_join_link(link: JoinLink, organisation: Organisation, outcome: MailOutcome) -> None:
    person = link.membership.person
    sent = _mail_to(
        person,
        JOIN_SUBJECT,
        JOIN_BODY,
        name=person.name,
        organisation=organisation.name,
        url=link.url,
        expires=link.expires_at.date(),
    )
    (outcome.sent if sent else outcome.failed).append(person.name)


def send_invitations(
    actor: Person, organisation: Organisation, membership_ids: Iterable[object]
) -> MailOutcome:
    """Mail chosen members of `organisation` their personal join link.

    Members of other organisations are refused, not skipped: the secretary learns
    that the choice was wrong. The links are saved first; a mail that cannot be sent
    is reported by name and the secretary can send again.
    """
    outcome = MailOutcome()
    with transaction():
        for link in _new_links(actor, organisation, membership_ids, mailed=True):
            after_commit(partial(_mail_join_link, link, organisation, outcome))
    return outcome


def member_invitations(actor: Person, organisation: Organisation) -> list[MemberInvitation]:
    """Every member of `organisation` with whether they joined or were sent a link."""
    require(actor, Action.MANAGE_MEMBERS, organisation)
    memberships = list(
        db.session.scalars(
            select(Membership)
            .join(Membership.person)
            .where(Membership.organisation_id == organisation.id)
            .order_by(Person.name)
        )
    )
    latest: dict[int, Invitation] = {}
    for invitation in db.session.scalars(
        select(Invitation)
        .join(Invitation.membership)
        .where(Membership.organisation_id == organisation.id, Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at)
    ):
        latest[invitation.membership_id] = invitation
    now = utcnow()

    def state(membership: Membership, invitation: Invitation | None) -> InvitationState:
        if membership.person.password_hash is not None:
            return InvitationState.JOINED
        if invitation is None:
            return InvitationState.NOT_INVITED
        return InvitationState.EXPIRED if invitation.expires_at <= now else InvitationState.INVITED

    return [MemberInvitation(m, state(m, latest.get(m.id)), latest.get(m.id)) for m in memberships]


def invitation_for(secret: str) -> Invitation:
    """The invitation a join link stands for, or a refusal saying what is wrong with it."""
    invitation = db.session.scalars(
        select(Invitation).where(Invitation.token_hash == digest(secret))
    ).first()
    if invitation is None:
        raise NotFound(
            _(
                "This join link is not valid. Check that you copied the whole link, "
                "or ask your secretary for a new one."
            )
        )
    if invitation.used_at is not None:
        raise Conflict(_("This join link was already used. Sign in with your email and password."))
    if invitation.revoked_at is not None:
        raise Conflict(
            _("This join link was replaced by a newer one. Use the latest link you were given.")
        )
    if invitation.expires_at <= utcnow():
        raise Conflict(_("This join link has expired. Ask your secretary for a new one."))
    if not invitation.membership.person.is_active_account:
        raise _inactive()
    if not _may_choose_password(invitation):
        raise Conflict(
            _(
                "This join link cannot choose the password of %(email)s: the address is "
                "known on this platform through another organisation too, so it must first "
                "be shown to be yours. On the sign-in page, choose “Forgot your password?”: "
                "a link to choose one is mailed to the address. Then open this join link "
                "again, or ask your secretary to mail you one.",
                email=invitation.membership.person.email,
            )
        )
    return invitation


def _may_choose_password(invitation: Invitation) -> bool:
    """Whether the link may set its person's password, or has none to set (see the note
    on invitations): mailed to them, or for a person only this organisation holds."""
    person = invitation.membership.person
    if person.password_hash is not None or invitation.mailed:
        return True
    here = invitation.membership.organisation_id
    return not person.is_operator and all(
        held.organisation_id == here for held in (*person.memberships, *person.roles)
    )


def accept_invitation(secret: str, password: str, confirmation: str = "") -> Invitation:
    """Join through a link: choose a password, or, with an account already, confirm it.

    A printed link chooses the password only of a person this organisation alone holds;
    for anyone else it is refused, with the way to prove the address (see the note on
    invitations), checked again under the write lock. Returns the used invitation; the
    caller signs its person in.
    """
    person = invitation_for(secret).membership.person
    new_hash: str | None = None
    if person.password_hash is None:
        new_hash = _hash_new_password(password, confirmation)
    elif not verify_password(person.password_hash, password):
        raise Invalid(
            _("The password is wrong. If you forgot it, reset it from the sign-in page."),
            field="password",
        )
    with transaction():
        invitation = invitation_for(secret)  # again, under the write lock: a link works once
        invitation.used_at = utcnow()
        if new_hash is not None:
            _set_password(invitation.membership.person, new_hash)
        audit.record(
            "invitation.accepted",
            actor=invitation.membership.person,
            organisation_id=invitation.membership.organisation_id,
            membership_id=invitation.membership_id,
        )
    return invitation


# --- API tokens ---


def api_tokens(actor: Person) -> list[ApiToken]:
    """One's own tokens that still work, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(
                ApiToken.person_id == actor.id,
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > utcnow(),
            )
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def _token_scopes(scopes: Iterable[object] | None, within: Credential | None) -> str:
    """The scopes a new token gets, as stored; never one the asking token lacks."""
    if scopes is None:
        wanted = set(within.scope_set) if within else set(SCOPES)
    else:
        wanted = {str(scope) for scope in scopes}
    if wanted - set(SCOPES):
        raise Invalid(
            _("Choose scopes among %(scopes)s.", scopes=", ".join(SCOPES)), field="scopes"
        )
    if not wanted:
        raise Invalid(_("Choose at least one scope."), field="scopes")
    if within is not None and not wanted <= within.scope_set:
        missing = [scope for scope in SCOPES if scope in wanted - within.scope_set]
        raise NotAllowed(
            _(
                "A token cannot give more than it holds: the token making this one does "
                "not have %(scopes)s.",
                scopes=", ".join(f"“{scope}”" for scope in missing),
            ),
            field="scopes",
        )
    return " ".join(scope for scope in SCOPES if scope in wanted)


def _token_expiry(days: object, within: Credential | None) -> datetime:
    """When a new token expires: in `days` (default `API_TOKEN_DAYS`), and never later
    than the token that asks for it."""
    longest = current_app.config["API_TOKEN_MAX_DAYS"]
    if days is None or days == "":
        days = current_app.config["API_TOKEN_DAYS"]
    elif isinstance(days, str) and days.strip().isdigit():  # from a form
        days = int(days)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= longest:
        raise Invalid(_("A token lasts from 1 to %(count)d days.", count=longest), field="days")
    expires_at = utcnow() + timedelta(days=days)
    if within is not None:
        expires_at = min(expires_at, within.expires_at)
    return expires_at


def create_api_token(
    actor: Person,
    name: str,
    *,
    scopes: Iterable[object] | None = None,
    days: object = None,
    within: Credential | None = None,
) -> tuple[ApiToken, str]:
    """Create a named API token for oneself; the secret is returned once and never again.

    It may do what `scopes` say (default: everything) for `days` days (default
    `API_TOKEN_DAYS`). `within` is the token asking for it, through the API: the new one
    gets no scope that token lacks (refused) and expires no later than it.
    """
    name = name.strip()
    if not name:
        raise Invalid(
            _("Give the token a name, such as the script that will use it."), field="name"
        )
    if len(name) > TOKEN_NAME_MAX:
        raise Invalid(
            _("A token name has at most %(count)d characters.", count=TOKEN_NAME_MAX),
            field="name",
        )
    chosen = _token_scopes(scopes, within)
    expires_at = _token_expiry(days, within)
    secret = new_secret()
    with transaction():
        token = ApiToken(
            person_id=actor.id,
            name=name,
            token_hash=digest(secret),
            prefix=secret[:TOKEN_PREFIX_LENGTH],
            scopes=chosen,
            expires_at=expires_at,
        )
        db.session.add(token)
        db.session.flush()
        audit.record(
            "api_token.created",
            actor=actor,
            organisation_id=None,
            token_id=token.id,
            scopes=chosen,
            expires_at=expires_at.isoformat(),
            address=client_address(),
        )
    return token, secret


def revoke_api_token(actor: Person, token_id: int) -> ApiToken:
    """Revoke one of one's own tokens; anyone else's looks like it does not exist."""
    with transaction():
        token = db.session.get(ApiToken, token_id)
        if token is None or token.person_id != actor.id or token.revoked_at is not None:
            raise NotFound(_("No such token."))
        token.revoked_at = utcnow()
        audit.record("api_token.revoked", actor=actor, organisation_id=None, token_id=token.id)
    return token
