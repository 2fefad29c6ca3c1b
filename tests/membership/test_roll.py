"""Importing a membership roll: every bad row is reported by line, and nothing is half done."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.fixtures.people import person
from voting.core.audit import AuditEvent
from voting.core.errors import Invalid, NotAllowed
from voting.core.extensions import db
from voting.membership.models import Membership, MemberStatus, Person
from voting.membership.services import roll
from voting.membership.services.roll import RollOptions, decode, import_roll
from voting.org.models import Unit
from voting.org.services.organisations import by_slug

HEADER = "name,email,unit,status\n"


def wri_import(text: str, commit: bool = True, **options: object) -> roll.RollReport:
    return import_roll(
        person("ana@wri.example"), by_slug("wri"), text, RollOptions(**options), commit=commit
    )


def wri_members() -> int:
    wri = by_slug("wri")
    return db.session.scalar(
        select(func.count(Membership.id)).where(Membership.organisation_id == wri.id)
    )


def people_with(email: str) -> int:
    return db.session.scalar(select(func.count(Person.id)).where(Person.email == email))


def test_a_clean_roll_is_previewed_then_imported_with_one_audit_entry(demo) -> None:
    text = HEADER + "Zoe Zed,zoe@example.org,Section X,full\nYan Yi,yan@example.org,,candidate\n"
    before = wri_members()

    preview = wri_import(text, commit=False)
    assert (preview.new_people, preview.new_memberships, preview.imported) == (2, 2, False)
    assert wri_members() == before

    report = wri_import(text)
    assert report.imported and report.errors == []
    assert wri_members() == before + 2
    zoe = person("zoe@example.org")
    assert zoe.memberships[0].unit.name == "Section X"
    assert person("yan@example.org").memberships[0].status == MemberStatus.CANDIDATE
    entry = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roll.imported")).one()
    assert entry.data["new_people"] == 2
    assert "zoe@example.org" not in str(entry.data)  # counts, not personal data


def test_broken_rows_are_reported_by_line_with_the_reason_and_nothing_is_imported(demo) -> None:
    text = (
        HEADER
        + "Good One,good@example.org,Section X,full\n"  # line 2
        + ",noname@example.org,,\n"  # line 3: no name
        + "Bad Mail,not-an-email,,\n"  # line 4
        + "Odd Status,odd@example.org,,member\n"  # line 5
        + "Late,late@example.org,,full\n"  # line 6 is fine
    )
    before = wri_members()
    report = wri_import(text)
    assert not report.imported
    assert report.bad_lines == [3, 4, 5]
    reasons = {(e.line, e.column): e.message for e in report.errors}
    assert reasons[(3, "name")] == "This is needed."
    assert "not an email address" in reasons[(4, "email")]
    assert "full, candidate" in reasons[(5, "status")]
    assert wri_members() == before
    assert people_with("good@example.org") == 0


def test_skip_bad_rows_imports_only_the_good_ones(demo) -> None:
    text = HEADER + "Good One,good@example.org,,\n,noname@example.org,,\nTwo,two@example.org,,\n"
    report = wri_import(text, mode="skip_bad_rows")
    assert report.imported
    assert report.new_memberships == 2 and report.bad_lines == [3]
    assert person("two@example.org").memberships[0].status == MemberStatus.FULL


def test_the_same_email_twice_in_a_file_names_both_lines_and_imports_neither(demo) -> None:
    text = HEADER + "Ann,ann@example.org,,\nBob,bob@example.org,,\nAnn Again,ANN@example.org,,\n"
    report = wri_import(text, mode="skip_bad_rows")
    messages = {e.line: e.message for e in report.errors}
    assert messages == {2: "The same email as line 4.", 4: "The same email as line 2."}
    assert report.new_memberships == 1
    assert db.session.scalar(select(Person.id).where(Person.email == "ann@example.org")) is None


def test_an_email_already_a_member_is_skipped_or_updated_as_chosen(demo) -> None:
    text = HEADER + "Xavier Renamed,xavier@wri.example,Section Y,individual\n"
    skipped = wri_import(text, existing="skip")
    assert (skipped.skipped, skipped.updated, skipped.new_memberships) == (1, 0, 0)
    xavier = person("xavier@wri.example")
    assert xavier.memberships[0].unit.name == "Section X"

    updated = wri_import(text, existing="update")
    assert updated.updated == 1
    db.session.refresh(xavier.memberships[0])
    assert xavier.memberships[0].unit.name == "Section Y"
    assert xavier.memberships[0].status == MemberStatus.INDIVIDUAL
    assert xavier.name == "Xavier Rep"  # the person's own name is theirs to change


def test_an_unknown_unit_is_refused_with_a_close_name_suggested(demo) -> None:
    report = wri_import(HEADER + "Zoe,zoe@example.org,Sektion X,full\n")
    (error,) = report.errors
    assert (error.line, error.column) == (2, "unit")
    assert error.message == "Unknown unit Sektion X. Did you mean Section X or Section Y?"


def test_units_that_do_not_exist_are_created_when_asked(demo) -> None:
    text = HEADER + "Zoe,zoe@example.org,Section Z,\nZed,zed@example.org,section z,\n"
    report = wri_import(text, create_units=True)
    assert report.imported and report.new_units == ["Section Z"]
    unit = db.session.scalars(select(Unit).where(Unit.name == "Section Z")).one()
    assert unit.kind.value == "section"  # WRI's first kind of unit
    assert len(unit.memberships) == 2


CP1252_ROLL = (
    "name;email;unit\nJosé Müller;jose@example.org;Section X\nFrançoise Ørsted;fo@example.org;\n"
)


def test_a_windows_1252_file_in_automatic_mode_is_refused_naming_the_line(demo) -> None:
    data = CP1252_ROLL.encode("cp1252")
    with pytest.raises(Invalid) as refused:
        decode(data, "auto")
    assert refused.value.field == "encoding"
    assert "Line 2 is not UTF-8" in refused.value.message
    assert "Windows-1252" in refused.value.message


def test_a_windows_1252_file_imports_with_its_accents_when_that_encoding_is_chosen(demo) -> None:
    text = decode(CP1252_ROLL.encode("cp1252"), "cp1252")
    report = wri_import(text)
    assert report.imported and report.new_people == 2
    assert person("jose@example.org").name == "José Müller"
    assert person("fo@example.org").name == "Françoise Ørsted"


def test_a_utf8_file_with_a_byte_order_mark_reads_its_first_column(demo) -> None:
    data = "\ufeffName,Email\nÅsa Öberg,asa@example.org\n".encode()
    report = wri_import(decode(data, "auto"))
    assert report.imported and person("asa@example.org").name == "Åsa Öberg"


def test_semicolons_columns_in_any_order_and_case_and_day_first_dates(demo) -> None:
    text = "EMAIL;Dues_Paid_Until;Name;joined on\nsemi@example.org;31/03/2025;Semi;2024-01-15\n"
    report = wri_import(text)
    assert report.imported
    membership = person("semi@example.org").memberships[0]
    assert membership.dues_paid_until.isoformat() == "2025-03-31"
    assert membership.joined_on.isoformat() == "2024-01-15"


def test_bad_dates_and_unknown_columns(demo) -> None:
    text = "name,email,joined_on,shoe_size\nDee,dee@example.org,03-31-2025,42\n"
    report = wri_import(text)
    assert report.warnings == ["These columns are not used and were ignored: shoe_size."]
    (error,) = report.errors
    assert error.column == "joined_on" and "2025-03-31 or 31/03/2025" in error.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("  \n\n", "The file is empty."),
        ("Ann,ann@example.org\nBob,bob@example.org\n", "it looks like a member: add a header line"),
        ("fullname,mail_address\nAnn,ann@example.org\n", "The header line has no column name"),
        ("name,email,email\nAnn,a@example.org,b@example.org\n", "The column email appears twice."),
    ],
)
def test_files_that_cannot_be_a_roll_are_refused_as_a_whole(demo, text, message) -> None:
    with pytest.raises(Invalid) as refused:
        wri_import(text)
    assert message in refused.value.message


def test_a_roll_over_the_limit_is_refused(demo, monkeypatch) -> None:
    monkeypatch.setattr(roll, "MAX_ROWS", 3)
    text = "name,email\n" + "".join(f"P{i},p{i}@example.org\n" for i in range(4))
    with pytest.raises(Invalid, match="at most 3 members"):
        wri_import(text)


def test_a_person_of_another_organisation_gets_a_second_membership(demo) -> None:
    sam = person("sam@wsm.example")
    report = wri_import(HEADER + "Samuel Other Name,Sam@WSM.example,Section Y,\n")
    assert (report.new_people, report.new_memberships) == (0, 1)
    db.session.refresh(sam)
    assert sorted(m.organisation.slug for m in sam.memberships) == ["wri", "wsm"]
    assert people_with("sam@wsm.example") == 1


def test_a_secretary_of_another_organisation_cannot_import_here(demo) -> None:
    with pytest.raises(NotAllowed):
        import_roll(person("sam@wsm.example"), by_slug("wri"), HEADER, RollOptions())
    with pytest.raises(NotAllowed):
        import_roll(person("xavier@wri.example"), by_slug("wri"), HEADER, RollOptions())


def test_a_quoted_field_with_a_line_break_keeps_later_line_numbers_right(demo) -> None:
    text = 'name,email\n"Ann\nSecond line",ann@example.org\nBob,bad-email\n'
    report = wri_import(text)
    assert report.bad_lines == [4]
