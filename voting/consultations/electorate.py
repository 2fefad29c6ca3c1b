"""The electorate of a consultation's fallback vote (subject "consultation"): the roll
read when the consultation opened, voting from wherever they are, run by the body's
chair or secretary. "Two thirds of all members" is a share of that roll's body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from voting.ballots.electorates import Electorate, register
from voting.consultations.models import Consultation, Participant
from voting.consultations.services.consultations import (
    may_facilitate,
    require_reader,
    takes_part,
)
from voting.core.errors import NotAllowed, NotFound
from voting.core.extensions import db
from voting.core.permissions import signed_in
from voting.membership.models import Membership, Person
from voting.org.models import Body


@register
class ConsultationElectorate(Electorate):
    subject = "consultation"
    in_writing = True  # cast from wherever the member is

    @property
    def consultation(self) -> Consultation:
        found = db.session.scalar(select(Consultation).where(Consultation.poll_id == self.poll.id))
        assert found is not None, "a consultation's poll without its consultation"
        return found

    @classmethod
    def manages(cls, actor: Person | None, body: Body) -> bool:
        return may_facilitate(actor, body)

    def may_read(self, actor: Person | None) -> bool:
        try:
            require_reader(actor, self.consultation)
        except NotFound:
            return False
        return True

    def day(self) -> dt.date:
        opened = self.consultation.opened_at
        return opened.date() if opened else super().day()

    def present(self) -> frozenset[int]:
        return frozenset(
            db.session.scalars(
                select(Participant.person_id).where(
                    Participant.consultation_id == self.consultation.id,
                    Participant.person_id.is_not(None),
                )
            )
        )

    def require_voter(
        self, actor: Person | None, *, present: Collection[int] | None = None
    ) -> Membership:
        if not signed_in(actor):
            raise NotAllowed(_("Sign in to vote."))
        roll = self.present() if present is None else present
        if actor.id not in roll:
            raise NotAllowed(_("You are not on the roll of this consultation."))
        membership = next(
            (m for m in actor.memberships if m.organisation_id == self.body.organisation_id), None
        )
        if membership is None or not takes_part(membership, self.body):
            raise NotAllowed(_("Your membership no longer lets you vote here."))
        return membership

    def subject_json(self) -> dict[str, Any]:
        return {"consultation": self.consultation.id}

    def audit_data(self) -> dict[str, Any]:
        return {"consultation": self.consultation.id}
