"""The admin pages, driven as a secretary or admin would with a browser."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from tests.fixtures.people import csrf_token, form_values, person, sign_in
from voting.core.audit import AuditEvent
from voting.core.extensions import db
from voting.membership.models import MemberStatus
from voting.org.services.bodies import body_in
from voting.org.services.organisations import by_slug


@pytest.fixture
def ana(client, demo):  # type: ignore[no-untyped-def]
    """Ana, admin and secretary of WRI, signed in; returns a CSRF token for her session."""
    sign_in(client, "ana@wri.example")
    return csrf_token(client.get("/admin/wri/").text)


def settings_changes() -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "body.settings_changed"))
    )


@pytest.mark.parametrize(
    "path",
    [
        "/admin/wri/",
        "/admin/wri/units",
        "/admin/wri/members",
        "/admin/wri/import",
        "/admin/wri/bodies/conference",
        "/admin/wri/roles",
        "/admin/organisations/new",
    ],
)
def test_a_plain_member_is_refused_every_admin_page(client, demo, path) -> None:
    sign_in(client, "xavier@wri.example")
    assert client.get(path).status_code == 403


def test_the_secretary_of_wsm_cannot_open_or_post_to_wri_admin_pages(client, demo) -> None:
    sign_in(client, "sam@wsm.example")
    token = csrf_token(client.get("/admin/wsm/").text)
    assert client.get("/admin/wri/members").status_code == 403
    answer = client.post(
        "/admin/wri/units", data={"csrf_token": token, "kind": "section", "name": "Mine"}
    )
    assert answer.status_code == 403
    assert all(u.name != "Mine" for u in by_slug("wri").units)


def test_without_the_csrf_token_an_admin_form_is_refused_and_nothing_changes(client, ana) -> None:
    answer = client.post("/admin/wri/units", data={"kind": "section", "name": "Section Z"})
    assert answer.status_code == 400
    assert "The form expired" in answer.text
    assert all(u.name != "Section Z" for u in by_slug("wri").units)


def test_wri_conference_rules_form_submitted_unchanged_changes_nothing(client, ana) -> None:
    page = client.get("/admin/wri/bodies/conference").text
    assert 'name="weight_bands[3].votes"' in page  # the 3 bands and 2 blank rows
    assert 'name="weight_bands[5].votes"' not in page
    before = body_in(by_slug("wri"), "conference").settings_data
    answer = client.post(
        "/admin/wri/bodies/conference", data=form_values(page, "decision.fraction")
    )
    assert answer.status_code == 303
    db.session.expire_all()
    assert body_in(by_slug("wri"), "conference").settings_data == before
    assert settings_changes() == []


def test_two_thirds_becomes_three_quarters_through_the_form_and_is_audited(client, ana) -> None:
    page = client.get("/admin/wri/bodies/conference").text
    form = form_values(page, "decision.fraction")
    assert form["special[0].threshold.fraction"] == "2/3"
    form["special[0].threshold.fraction"] = "3/4"
    assert client.post("/admin/wri/bodies/conference", data=form).status_code == 303
    db.session.expire_all()
    settings = body_in(by_slug("wri"), "conference").settings
    assert str(settings.special[0].threshold.fraction) == "3/4"
    (entry,) = settings_changes()
    assert entry.data["changes"] == {"special[0].threshold.fraction": ["2/3", "3/4"]}


def test_an_impossible_fraction_is_shown_next_to_its_field_and_other_input_is_kept(
    client, ana
) -> None:
    page = client.get("/admin/wri/bodies/conference").text
    form = form_values(page, "decision.fraction")
    form["decision.fraction"] = "3/2"
    form["notice_days"] = "42"
    form["name"] = "World Conference"
    answer = client.post("/admin/wri/bodies/conference", data=form)
    assert answer.status_code == 422
    assert re.search(
        r'id="s-decision-fraction" name="decision.fraction" value="3/2"[^>]*'
        r'aria-describedby="[^"]*s-decision-fraction-error',
        answer.text,
    )
    assert 'id="s-decision-fraction-error">must be between 0 and 1<' in answer.text
    assert 'name="notice_days" value="42"' in answer.text
    assert '<a href="#s-decision-fraction">Ordinary decisions: Share needed</a>' in answer.text
    assert 'value="World Conference"' in answer.text
    db.session.expire_all()
    body = body_in(by_slug("wri"), "conference")
    assert (body.name, body.settings.notice_days) == ("Conference", 0)


def test_a_weight_band_is_added_in_a_blank_row_and_another_removed(client, ana) -> None:
    form = form_values(client.get("/admin/wri/bodies/conference").text, "decision.fraction")
    form["weight_bands[3].unit_kind"] = "section"
    form["weight_bands[3].min_size"] = "5001"
    form["weight_bands[3].votes"] = "4"
    form["weight_bands[2].__remove"] = "on"
    assert client.post("/admin/wri/bodies/conference", data=form).status_code == 303
    db.session.expire_all()
    bands = body_in(by_slug("wri"), "conference").settings.weight_bands
    assert [(b.unit_kind, b.min_size, b.votes) for b in bands] == [
        ("section", 1001, 3),
        ("section", 0, 2),
        ("section", 5001, 4),
    ]


def test_a_half_filled_row_is_refused_on_its_cell(client, ana) -> None:
    form = form_values(client.get("/admin/wri/bodies/conference").text, "decision.fraction")
    form["weight_bands[4].votes"] = "2"
    form["weight_bands[4].unit_kind"] = "associate"
    answer = client.post("/admin/wri/bodies/conference", data=form)
    assert answer.status_code == 422
    assert 'id="s-weight_bands-3-min_size-error"' in answer.text  # the row kept, now 4th


def test_adding_a_unit_and_a_duplicate_meeting_date(client, ana) -> None:
    answer = client.post(
        "/admin/wri/units",
        data={"csrf_token": ana, "kind": "section", "name": "Section Z", "size": "1200"},
    )
    assert answer.status_code == 303
    unit = next(u for u in by_slug("wri").units if u.name == "Section Z")
    path = f"/admin/wri/units/{unit.id}/attendance"
    data = {"csrf_token": ana, "held_on": "2025-03-01", "present": "30"}
    assert client.post(path, data=data).status_code == 303
    again = client.post(path, data={**data, "present": "31"})
    assert again.status_code == 409
    assert "already has a record for 2025-03-01" in again.text
    assert 'value="31"' in again.text


def test_a_unit_name_taken_is_shown_on_the_field_with_what_was_typed(client, ana) -> None:
    answer = client.post(
        "/admin/wri/units",
        data={"csrf_token": ana, "kind": "section", "name": "section x", "size": "7"},
    )
    assert answer.status_code == 409
    assert 'id="f-name-error">There is already a unit called section x.<' in answer.text
    assert 'value="7"' in answer.text


def test_wsm_secretary_marks_members_due_to_lapse(client, demo) -> None:
    from datetime import date, timedelta

    from voting.core.database import transaction

    mo = person("mo@wsm.example").memberships[0]
    with transaction():
        mo.dues_paid_until = date.today() - timedelta(days=120)
    sign_in(client, "sam@wsm.example")
    page = client.get("/admin/wsm/members").text
    assert "Due to lapse" in page and "Mo Member" in page
    answer = client.post("/admin/wsm/members/lapse", data=form_values(page, "membership_id"))
    assert answer.status_code == 303
    db.session.refresh(mo)
    assert mo.status == MemberStatus.LAPSED


def test_operator_creates_an_organisation_from_the_wsm_preset(client, demo) -> None:
    sign_in(client, "operator@example.org")
    token = csrf_token(client.get("/admin/organisations/new").text)
    answer = client.post(
        "/admin/organisations/new",
        data={"csrf_token": token, "preset": "wsm", "name": "Cork Solidarity", "slug": "cork"},
    )
    assert answer.status_code == 303
    cork = by_slug("cork")
    assert cork.name == "Cork Solidarity" and cork.bodies[0].slug == "conference"


def test_an_operator_finds_how_to_create_an_organisation_from_home(client, demo) -> None:
    from voting.core.database import transaction
    from voting.membership.models import Person

    with transaction():
        db.session.add(Person(email="fresh-operator@example.org", name="Fresh", is_operator=True))
    sign_in(client, "fresh-operator@example.org")
    home = client.get("/").text
    assert 'href="/admin/organisations/new"' in home and "Create an organisation" in home
    assert client.get("/organisations/new").location.endswith("/admin/organisations/new")
    # A member sees no such button; the address still leads to a refusal, not a blank.
    member = client.application.test_client()
    sign_in(member, "fay@awl.example")
    assert "Create an organisation" not in member.get("/").text
    assert member.get("/admin/organisations/new").status_code == 403


def upload(client, token, data: bytes, **fields):  # type: ignore[no-untyped-def]
    form = {"csrf_token": token, "step": "check", "encoding": "auto", "existing": "skip", **fields}
    form["file"] = (io.BytesIO(data), "roll.csv")
    return client.post("/admin/wri/import", data=form, content_type="multipart/form-data")


def test_importing_a_roll_from_excel_on_windows(client, ana) -> None:
    data = "name;email;unit\nJosé Müller;jose@example.org;Section X\n".encode("cp1252")
    refused = upload(client, ana, data)
    assert refused.status_code == 422
    assert "Line 2 is not UTF-8 text" in refused.text

    preview = upload(client, ana, data, encoding="cp1252")
    assert preview.status_code == 200
    assert "New people" in preview.text
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "roll.imported")) is None

    done = client.post("/admin/wri/import", data=form_values(preview.text, 'value="confirm"'))
    assert "The roll was imported." in done.text
    assert 'href="/org/wri/invitations"' in done.text
    assert person("jose@example.org").name == "José Müller"


def test_a_roll_with_bad_rows_imports_nothing_until_asked_to_skip_them(client, ana) -> None:
    data = b"name,email\nGood,good@example.org\nBad,bad-email\n"
    preview = upload(client, ana, data)
    assert "1 row has problems. Nothing was imported." in preview.text
    assert "<td>3</td><td>email</td>" in preview.text
    skip = form_values(preview.text, 'value="confirm"')
    assert skip["mode"] == "skip_bad_rows"
    done = client.post("/admin/wri/import", data=skip)
    assert "The roll was imported." in done.text
    assert person("good@example.org").memberships[0].organisation.slug == "wri"
