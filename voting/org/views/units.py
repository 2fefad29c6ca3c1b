"""Units of an organisation and the attendance recorded at their meetings."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from voting.core.errors import ServiceError
from voting.core.permissions import can
from voting.core.web import admin as bp
from voting.core.web import form_data, form_page
from voting.org.models import Organisation, Unit
from voting.org.permissions import Action
from voting.org.services import units as unit_services


def _org(slug: str) -> Organisation:
    """A secretary of the whole organisation or of one of its units (the services keep
    the latter to their units)."""
    return unit_services.managed_organisation(
        current_user, slug, Action.MANAGE_MEMBERS, for_a_unit=True
    )


def _whole(org: Organisation) -> bool:
    return can(current_user, Action.MANAGE_MEMBERS, org)


def _list_context(org: Organisation) -> dict[str, Any]:
    return {
        "organisation": org,
        "units": unit_services.managed_units(current_user, org),
        "whole_organisation": _whole(org),
        "kinds": unit_services.unit_kinds(org),
        "splits": unit_services.DELEGATE_SPLITS,
    }


@bp.route("/<slug>/units", methods=["GET", "POST"])
def units(slug: str):  # type: ignore[no-untyped-def]
    org = _org(slug)
    if request.method == "POST":
        try:
            unit = unit_services.create_unit(current_user, org, form_data())
        except ServiceError as error:
            return form_page("admin/units.html", error, **_list_context(org))
        flash(_("%(name)s was added.", name=unit.name), "success")
        return redirect(url_for("admin.units", slug=slug), 303)
    return render_template("admin/units.html", values={}, errors={}, **_list_context(org))


def _unit_context(org: Organisation, unit: Unit, **extra: Any) -> dict[str, Any]:
    return {
        "organisation": org,
        "unit": unit,
        "attendance": unit_services.attendance_of(current_user, unit),  # refused elsewhere
        "whole_organisation": _whole(org),
        "kinds": unit_services.unit_kinds(org),
        "splits": unit_services.DELEGATE_SPLITS,
        "attendance_values": {},
        "attendance_errors": {},
        **extra,
    }


def _saved(unit: Unit) -> dict[str, Any]:
    return {
        "kind": unit.kind.value,
        "name": unit.name,
        "size": unit.size,
        "delegate_split": unit.delegate_split,
    }


@bp.route("/<slug>/units/<int:unit_id>", methods=["GET", "POST"])
def unit(slug: str, unit_id: int):  # type: ignore[no-untyped-def]
    org = _org(slug)
    found = unit_services.unit_in(org, unit_id)
    if request.method == "POST":
        try:
            unit_services.update_unit(current_user, found, form_data())
        except ServiceError as error:
            return form_page("admin/unit.html", error, **_unit_context(org, found))
        flash(_("Saved."), "success")
        return redirect(url_for("admin.unit", slug=slug, unit_id=unit_id), 303)
    return render_template(
        "admin/unit.html", values=_saved(found), errors={}, **_unit_context(org, found)
    )


@bp.post("/<slug>/units/<int:unit_id>/delete")
def delete_unit(slug: str, unit_id: int):  # type: ignore[no-untyped-def]
    org = _org(slug)
    found = unit_services.unit_in(org, unit_id)
    unit_services.delete_unit(current_user, found)
    flash(_("%(name)s was deleted.", name=found.name), "success")
    return redirect(url_for("admin.units", slug=slug), 303)


@bp.post("/<slug>/units/<int:unit_id>/attendance")
def add_attendance(slug: str, unit_id: int):  # type: ignore[no-untyped-def]
    org = _org(slug)
    found = unit_services.unit_in(org, unit_id)
    try:
        unit_services.add_attendance(current_user, found, form_data())
    except ServiceError as error:
        context = _unit_context(
            org,
            found,
            attendance_values=form_data(),
            attendance_errors={error.field or "_": error.message},
        )
        return render_template("admin/unit.html", values=_saved(found), errors={}, **context), (
            error.status
        )
    flash(_("Attendance recorded."), "success")
    return redirect(url_for("admin.unit", slug=slug, unit_id=unit_id), 303)


@bp.post("/<slug>/attendance/<int:record_id>/delete")
def delete_attendance(slug: str, record_id: int):  # type: ignore[no-untyped-def]
    org = _org(slug)
    record = unit_services.attendance_in(org, record_id)
    unit_id = record.unit_id
    unit_services.delete_attendance(current_user, record)
    flash(_("Attendance record deleted."), "success")
    return redirect(url_for("admin.unit", slug=slug, unit_id=unit_id), 303)
