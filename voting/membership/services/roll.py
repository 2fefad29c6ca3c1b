"""Importing a membership roll from a CSV file: check every row, preview, then commit.

The file's first line names the columns (any order, any case): name and email are
required; unit, status, gender, joined_on and dues_paid_until are optional; other
columns are ignored with a warning. Fields are separated by commas or semicolons
(spreadsheets in French or German locales write semicolons). Dates are YYYY-MM-DD or
day first (31/03/2025, 31.03.2025), since the day-first convention is the one of the
organisations using this; month-first dates are not accepted.

Every bad row is reported by line number with its reason. In "all or nothing" mode a
single bad row means nothing is imported; in "skip bad rows" mode the good rows are
imported and the bad ones listed. Rows with the same email are all refused: which one
is right is for the secretary to say.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from voting.core import audit
from voting.core.database import transaction
from voting.core.errors import Invalid
from voting.core.extensions import db
from voting.core.parse import normalise_email, parse_choice, parse_day, parse_text
from voting.core.permissions import require
from voting.membership.models import Membership, MemberStatus, Person
from voting.org.models import Organisation, Unit, UnitKind
from voting.org.permissions import Action
from voting.org.services.units import unit_kinds

MAX_ROWS = 20_000
COLUMNS = ("name", "email", "unit", "status", "gender", "joined_on", "dues_paid_until")
REQUIRED = ("name", "email")
ALIASES = {
    "e_mail": "email",
    "mail": "email",
    "joined": "joined_on",
    "dues_paid": "dues_paid_until",
}
ENCODINGS = {
    "auto": _l("Automatic (UTF-8)"),
    "utf-8": _l("UTF-8"),
    "cp1252": _l("Windows-1252 (Excel on Windows)"),
    "latin-1": _l("Latin-1 (ISO-8859-1)"),
}
ALL_OR_NOTHING, SKIP_BAD_ROWS = "all_or_nothing", "skip_bad_rows"
SKIP, UPDATE = "skip", "update"
_CHUNK = 500  # emails per IN (...) query, under SQLite's variable limit


@dataclass(frozen=True)
class RollOptions:
    """What to do with bad rows, with people already members, and with unknown units."""

    mode: str = ALL_OR_NOTHING
    existing: str = SKIP
    create_units: bool = False

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RollOptions:
        """Options from a form or a JSON body, each checked against its choices."""
        create_units = data.get("create_units", False)
        if isinstance(create_units, str):
            create_units = create_units.lower() in ("1", "true", "on", "yes")
        if not isinstance(create_units, bool):
            raise Invalid(_("Give true or false."), field="create_units")
        return cls(
            mode=parse_choice(
                data.get("mode") or ALL_OR_NOTHING, (ALL_OR_NOTHING, SKIP_BAD_ROWS), "mode"
            ),
            existing=parse_choice(data.get("existing") or SKIP, (SKIP, UPDATE), "existing"),
            create_units=create_units,
        )


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    message: str


@dataclass
class RollReport:
    """What an import found and did (or would do): counts, per-line errors, warnings."""

    rows: int = 0
    new_people: int = 0
    new_memberships: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)
    new_unit_kind: str | None = None
    imported: bool = False

    @property
    def bad_lines(self) -> list[int]:
        return sorted({e.line for e in self.errors})

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "rows": self.rows,
            "new_people": self.new_people,
            "new_memberships": self.new_memberships,
            "updated": self.updated,
            "skipped": self.skipped,
            "bad_rows": len(self.bad_lines),
            "errors": [
                {"line": e.line, "column": e.column, "message": e.message} for e in self.errors
            ],
            "warnings": self.warnings,
            "new_units": self.new_units,
            "new_unit_kind": self.new_unit_kind,
        }


def decode(data: bytes, encoding: str = "auto") -> str:
    """The file's text. UTF-8 (a byte-order mark is dropped) unless another encoding was
    chosen; a file that is not UTF-8 in automatic mode is refused, naming the first bad
    line, rather than guessed, so accented names are never silently garbled."""
    if encoding not in ENCODINGS:
        raise Invalid(_("Unknown file encoding."), field="encoding")
    if encoding in ("auto", "utf-8"):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise Invalid(
                _(
                    "Line %(line)d is not UTF-8 text. The file was probably saved by a "
                    "spreadsheet in another encoding: choose Windows-1252 (Excel on Windows) "
                    "or Latin-1 as the file encoding and send it again.",
                    line=line,
                ),
                field="encoding",
            ) from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Invalid(
            _("Line %(line)d cannot be read as %(encoding)s.", line=line, encoding=encoding),
            field="encoding",
        ) from None


@dataclass
class _Row:
    line: int
    name: str
    email: str
    unit: str  # as written; "" for none
    status: MemberStatus | None
    gender: str | None
    joined_on: date | None
    dues_paid_until: date | None


def _column_name(header: str) -> str:
    key = header.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def _read(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (normalised) and non-blank data rows with their first line numbers."""
    if not text.strip():
        raise Invalid(_("The file is empty."), field="file")
    text = text.removeprefix("\ufeff")
    first_line = text.lstrip("\r\n").splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    previous_end = 0
    try:
        for cells in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [_column_name(c) for c in cells]
                continue
            rows.append((start, cells))
            if len(rows) > MAX_ROWS:
                raise Invalid(
                    _("A roll can have at most %(n)d members per file.", n=MAX_ROWS),
                    field="file",
                )
    except csv.Error as error:
        raise Invalid(
            _("Line %(line)d cannot be read: %(reason)s", line=reader.line_num, reason=str(error)),
            field="file",
        ) from None
    assert header is not None  # the text was not blank
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        if any("@" in cell for cell in header):
            message = _(
                "The first line must name the columns (name, email, unit, status, gender, "
                "joined_on, dues_paid_until) but it looks like a member: add a header line."
            )
        else:
            message = _(
                "The header line has no column %(missing)s. Columns are: %(columns)s.",
                missing=", ".join(missing),
                columns=", ".join(COLUMNS),
            )
        raise Invalid(message, field="file")
    duplicated = sorted({c for c in header if c and header.count(c) > 1})
    if duplicated:
        raise Invalid(_("The column %(name)s appears twice.", name=duplicated[0]), field="file")
    return header, rows


def _suggest(value: str, units: dict[str, Unit]) -> str:
    names = {u.name.lower(): u.name for u in units.values()}
    close = difflib.get_close_matches(value.lower(), list(names), n=3, cutoff=0.6)
    if close:
        return _(
            "Unknown unit %(value)s. Did you mean %(names)s?",
            value=value,
            names=_(" or ").join(names[c] for c in close),
        )
    return _("Unknown unit %(value)s.", value=value)


def _cells_to_row(
    line: int, header: list[str], cells: list[str], org_units: dict[str, Unit], options: RollOptions
) -> tuple[_Row | None, list[RowError]]:
    errors: list[RowError] = []
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        errors.append(
            RowError(
                line,
                None,
                _(
                    "%(n)d fields where the header names %(m)d: is there a stray separator?",
                    n=len(cells),
                    m=len(header),
                ),
            )
        )
    raw = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}

    def parsed(column: str, parse: Any) -> Any:
        try:
            return parse(raw.get(column, ""))
        except Invalid as error:
            errors.append(RowError(line, column, error.message))
            return None

    name = parsed("name", lambda v: parse_text(v, "name"))
    email = parsed("email", normalise_email)
    unit = raw.get("unit", "").strip()
    if unit and unit.lower() not in org_units and not options.create_units:
        errors.append(RowError(line, "unit", _suggest(unit, org_units)))
    statuses = tuple(s.value for s in MemberStatus)
    status_text = raw.get("status", "").strip()
    status = (
        parsed("status", lambda v: MemberStatus(parse_choice(v, statuses, "status")))
        if status_text
        else None
    )
    gender = parsed("gender", lambda v: parse_text(v, "gender", required=False, max_length=32))
    joined_on = parsed("joined_on", lambda v: parse_day(v, "joined_on"))
    dues = parsed("dues_paid_until", lambda v: parse_day(v, "dues_paid_until"))
    if errors:
        return None, errors
    return _Row(line, name, email, unit, status, gender or None, joined_on, dues), []


@dataclass
class _Plan:
    report: RollReport
    new_rows: list[_Row]
    updates: list[tuple[Membership, dict[str, Any]]]
    people: dict[str, Person]
    units: dict[str, Unit]


def _plan(org: Organisation, text: str, options: RollOptions) -> _Plan:
    header, rows = _read(text)
    report = RollReport(rows=len(rows))
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        report.warnings.append(
            _("These columns are not used and were ignored: %(names)s.", names=", ".join(unknown))
        )
    units = {
        u.name.lower(): u
        for u in db.session.scalars(select(Unit).where(Unit.organisation_id == org.id))
    }
    good: list[_Row] = []
    for line, cells in rows:
        row, row_errors = _cells_to_row(line, header, cells, units, options)
        report.errors += row_errors
        if row is not None:
            good.append(row)

    first_line: dict[str, int] = {}
    duplicates: set[int] = set()
    for row in good:
        if row.email in first_line:
            other = first_line[row.email]
            report.errors.append(
                RowError(row.line, "email", _("The same email as line %(n)d.", n=other))
            )
            if other not in duplicates:
                report.errors.append(
                    RowError(other, "email", _("The same email as line %(n)d.", n=row.line))
                )
            duplicates |= {row.line, other}
        else:
            first_line[row.email] = row.line
    good = [row for row in good if row.line not in duplicates]
    report.errors.sort(key=lambda e: (e.line, e.column or ""))

    people = _people_by_email([row.email for row in good])
    memberships = {
        m.person_id: m
        for ids in _chunks([p.id for p in people.values()])
        for m in db.session.scalars(
            select(Membership).where(
                Membership.organisation_id == org.id, Membership.person_id.in_(ids)
            )
        )
    }
    new_units = {}
    for row in good:
        if row.unit and row.unit.lower() not in units:
            new_units.setdefault(row.unit.lower(), row.unit)
    report.new_units = sorted(new_units.values(), key=str.lower)
    if report.new_units:
        report.new_unit_kind = unit_kinds(org)[0]

    plan = _Plan(report, [], [], people, units)
    for row in good:
        person = people.get(row.email)
        membership = memberships.get(person.id) if person else None
        if membership is None:
            plan.new_rows.append(row)
            report.new_memberships += 1
            report.new_people += person is None
            continue
        changes = _changes(membership, row, units) if options.existing == UPDATE else {}
        if changes:
            plan.updates.append((membership, changes))
            report.updated += 1
        else:
            report.skipped += 1
    return plan


def _changes(membership: Membership, row: _Row, units: dict[str, Unit]) -> dict[str, Any]:
    """Unit and status to update; an empty cell leaves the value as it is."""
    changes: dict[str, Any] = {}
    if row.unit:
        unit = units.get(row.unit.lower())
        if unit is None or unit.id != membership.unit_id:
            changes["unit"] = row.unit
    if row.status is not None and row.status != membership.status:
        changes["status"] = row.status
    return changes


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _people_by_email(emails: list[str]) -> dict[str, Person]:
    return {
        p.email: p
        for chunk in _chunks(emails)
        for p in db.session.scalars(select(Person).where(Person.email.in_(chunk)))
    }


def import_roll(
    actor: Person | None,
    org: Organisation,
    text: str,
    options: RollOptions,
    *,
    commit: bool = True,
) -> RollReport:
    """Check a roll and, with `commit`, import it in one transaction with one audit entry.

    Without `commit` it is a preview: the same report, nothing written. With errors in
    "all or nothing" mode nothing is written either and `imported` stays false. The
    audit entry holds counts only, no personal data.
    """
    require(actor, Action.MANAGE_MEMBERS, org)
    if not commit:
        return _plan(org, text, options).report
    with transaction():
        plan = _plan(org, text, options)
        report = plan.report
        if report.errors and options.mode == ALL_OR_NOTHING:
            return report
        _apply(org, plan)
        audit.record(
            "roll.imported",
            actor=actor,
            organisation_id=org.id,
            rows=report.rows,
            new_people=report.new_people,
            new_memberships=report.new_memberships,
            updated=report.updated,
            skipped=report.skipped,
            bad_rows=len(report.bad_lines),
            new_units=len(report.new_units),
            mode=options.mode,
            existing=options.existing,
        )
        report.imported = True
    return report


def _apply(org: Organisation, plan: _Plan) -> None:
    units = plan.units
    kind = plan.report.new_unit_kind
    for name in plan.report.new_units:
        unit = Unit(organisation_id=org.id, kind=UnitKind(kind), name=name, size=0)
        db.session.add(unit)
        units[name.lower()] = unit
    db.session.flush()
    for row in plan.new_rows:
        person = plan.people.get(row.email)
        if person is None:
            person = Person(email=row.email, name=row.name, gender=row.gender)
            db.session.add(person)
            plan.people[row.email] = person
        db.session.add(
            Membership(
                person=person,
                organisation_id=org.id,
                unit=units[row.unit.lower()] if row.unit else None,
                status=row.status or MemberStatus.FULL,
                joined_on=row.joined_on,
                dues_paid_until=row.dues_paid_until,
            )
        )
    for membership, changes in plan.updates:
        if "unit" in changes:
            membership.unit = units[changes["unit"].lower()]
        if "status" in changes:
            membership.status = changes["status"]
    db.session.flush()
