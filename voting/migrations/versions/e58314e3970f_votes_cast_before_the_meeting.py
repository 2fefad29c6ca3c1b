"""votes cast before the meeting, counted with the floor: a poll's pre-cast window and the
rule fixed when it opens; postal ballot papers (code digests only), tellers' entries
(digests of the code with the choice) and written votes; a holding's votes cast before
the meeting that stand.

Existing polls and holdings get no window and nothing cast before.

Revision ID: e58314e3970f
Revises: 07d887bee199
Create Date: 2026-12-02 15:09:00.346981

"""

from alembic import op
import sqlalchemy as sa
import voting.core.columns


# revision identifiers, used by Alembic.
revision = "e58314e3970f"
down_revision = "07d887bee199"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ballot_paper",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("of", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_at", voting.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("returned", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("choice", sa.String(length=200), nullable=True),
        sa.Column("returned_at", voting.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("voter_key", sa.String(length=64), nullable=True),
        sa.Column("stands", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["poll.id"], name=op.f("fk_ballot_paper_poll_id_poll"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_ballot_paper_unit_id_unit"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_paper")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_ballot_paper_code_hash")),
        sa.UniqueConstraint(
            "poll_id", "unit_id", "number", name=op.f("uq_ballot_paper_poll_id_unit_id_number")
        ),
    )
    with op.batch_alter_table("ballot_paper", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_paper_poll_id"), ["poll_id"], unique=False)

    op.create_table(
        "written_vote",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=200), nullable=True),
        sa.Column("cast_at", voting.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("voter_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_written_vote_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["poll.id"], name=op.f("fk_written_vote_poll_id_poll"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("poll_id", "person_id", name=op.f("pk_written_vote")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "paper_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("teller_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("entered_at", voting.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["ballot_paper.id"],
            name=op.f("fk_paper_entry_paper_id_ballot_paper"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teller_id"],
            ["person.id"],
            name=op.f("fk_paper_entry_teller_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_entry")),
        sa.UniqueConstraint(
            "paper_id", "teller_id", name=op.f("uq_paper_entry_paper_id_teller_id")
        ),
    )
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "precast_until", voting.core.columns.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("precast_rule", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("precast_votes", sa.Integer(), nullable=False, server_default="0")
        )

    with op.batch_alter_table("poll_entitlement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("precast", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("poll_entitlement", schema=None) as batch_op:
        batch_op.drop_column("precast")

    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.drop_column("precast_votes")
        batch_op.drop_column("precast_rule")
        batch_op.drop_column("precast_until")

    op.drop_table("paper_entry")
    op.drop_table("written_vote")
    with op.batch_alter_table("ballot_paper", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_paper_poll_id"))

    op.drop_table("ballot_paper")
