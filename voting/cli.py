"""Operator commands: `flask voting init-db | demo | create-operator | verify-audit |
export-meeting | import-meeting | simulate`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import select

from voting.core import audit
from voting.core.database import transaction
from voting.core.extensions import db
from voting.membership.models import Person
from voting.membership.services.passwords import MIN_LENGTH, hash_password
from voting.org.models import Organisation

group = AppGroup("voting", help="Operate the voting platform.")


@group.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    upgrade()
    click.echo("Database is at the latest schema.")


@group.command("demo")
def demo() -> None:
    """Load the demo organisations (idempotent) and print their logins."""
    from voting.demo import DEMO_PASSWORD, load_demo

    logins = load_demo()
    url = current_app.config["PUBLIC_URL"]
    click.echo(f"\n  Demo ready at {url}/  - every demo login's password: {DEMO_PASSWORD}\n")
    width = max(len(login.email) for login in logins)
    for login in logins:
        click.echo(f"  {login.organisation:4} {login.email:{width}}  {', '.join(login.roles)}")
    click.echo("")


@group.command("create-operator")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_operator(email: str, name: str, password: str) -> None:
    """Create an operator account, who can create organisations."""
    if len(password) < MIN_LENGTH:
        raise click.BadParameter(f"at least {MIN_LENGTH} characters", param_hint="password")
    email = email.strip().lower()
    with transaction():
        if db.session.scalar(select(Person.id).where(Person.email == email)):
            raise click.ClickException(f"{email} has an account already.")
        db.session.add(
            Person(email=email, name=name, password_hash=hash_password(password), is_operator=True)
        )
        audit.record("person.operator_created", actor=None, organisation_id=None, email=email)
    click.echo(f"Operator {email} created.")


@group.command("verify-audit")
@click.option(
    "--expect",
    "expected",
    multiple=True,
    metavar="HASH",
    help="A hash published earlier (a poll's audit hash): it must still be in an intact chain.",
)
def verify_audit(expected: tuple[str, ...]) -> None:
    """Recompute every organisation's hash chain; exit 1 at the first broken link (named
    with its entry) or if a published hash is no longer in an intact chain."""
    ids: list[int | None] = [None, *db.session.scalars(select(Organisation.id))]
    failed = False
    intact: set[str] = set()
    for organisation_id in ids:
        report = audit.verify(organisation_id)
        intact |= report.hashes
        where = organisation_id if organisation_id is not None else "installation"
        if report.ok:
            click.echo(f"{where}: {report.entries} entries, chain intact")
        else:
            failed = True
            click.echo(
                f"{where}: chain broken at entry {report.broken_at}: {report.why}\n"
                f"  {report.entry}",
                err=True,
            )
    for published in expected:
        if published.strip().lower() not in intact:
            failed = True
            click.echo(
                f"{published}: not in an intact chain (cut or rewritten after it was published)",
                err=True,
            )
    if failed:
        raise SystemExit(1)


@group.command("simulate")
@click.option("--meeting", "meeting_id", type=int, required=True, help="Meeting id.")
@click.option("--members", type=click.IntRange(1, 5000), default=50, show_default=True)
@click.option("--url", default=None, help="The running server (default: PUBLIC_URL).")
@click.option("--seconds", type=float, default=600, show_default=True)
@click.option("--speed", type=float, default=1.0, show_default=True, help="2 = twice as fast.")
@click.option("--seed", type=int, default=None)
def simulate(
    meeting_id: int, members: int, url: str | None, seconds: float, speed: float, seed: int | None
) -> None:
    """Join simulated members to a meeting: they raise hands, answer tests and vote."""
    from voting.meetings.models import Meeting
    from voting.meetings.services.simulation import simulated_members
    from voting.meetings.simulate import run

    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise click.ClickException(f"No meeting {meeting_id}.")
    # They check in through the server, which pushes the attendance to every screen.
    people = simulated_members(meeting, members, check_in=False)
    url = url or current_app.config["PUBLIC_URL"]
    click.echo(f"{len(people)} simulated members check in to {meeting.title!r} and connect...")
    connected = run(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        meeting,
        people,
        url=url,
        seconds=seconds,
        speed=speed,
        seed=seed,
        check_in=True,
    )
    click.echo(f"{connected} simulated phones took part for {seconds:.0f} seconds.")


@group.command("export-meeting")
@click.argument("meeting_id", type=int)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write (default: standard output).",
)
def export_meeting(meeting_id: int, output: Path | None) -> None:
    """Write a meeting's archive (JSON), for import-meeting in another installation."""
    from voting.meetings.models import Meeting
    from voting.record import archive

    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise click.ClickException(f"No meeting {meeting_id}.")
    text = archive.dumps(archive.export_meeting(meeting))
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"Meeting {meeting_id} ({meeting.title!r}) archived to {output}.", err=True)


@group.command("import-meeting")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", required=True, help="The short name of the organisation.")
@click.option("--body", default=None, help="The body's short name (default: the archive's).")
def import_meeting(file: Path, organisation: str, body: str | None) -> None:
    """Recreate an archived meeting, closed, under a body of an organisation here; people
    are matched by name among its members. Nothing is written if the archive is refused."""
    from voting.core.errors import ServiceError
    from voting.record import archive

    try:
        imported = archive.import_meeting(archive.read_file(file), organisation, body)
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    meeting = imported.meeting
    click.echo(
        f"Meeting {meeting.id} ({meeting.title!r}) imported into {organisation}/"
        f"{meeting.body.slug}, closed, with {len(imported.polls)} polls."
    )
    for left in imported.unmatched:
        click.echo(
            f"  not a member here, left out (named in the audit entry): {left['name']}"
            f" as {left['as']}"
        )


def register(app: Flask) -> None:
    app.cli.add_command(group)
