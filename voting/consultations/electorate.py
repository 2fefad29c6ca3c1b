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
    voting_membership,
)
from voting.consultations.services.consultations import (
    may_read as reads_consultations,
)
from voting.core.errors import NotAllowed
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
        return reads_consultations(actor, self.consultation.body)

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
        membership = voting_membership(actor, self.body)
        if membership is None:
            raise NotAllowed(_("Your membership no longer lets you vote here."))
        return membership

    def subject_json(self) -> dict[str, Any]:
        return {"consultation": self.consultation.id}

    def audit_data(self) -> dict[str, Any]:
        return {"consultation": self.consultation.id}
