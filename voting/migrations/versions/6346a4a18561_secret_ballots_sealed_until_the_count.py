"""secret ballots sealed until the count: each vote of an open secret poll is an envelope
under the poll's public key (sealed_ballot); the poll keeps its public key and how many
teller keys rebuild the private one.

A secret poll opened before this revision has no key: its ballots were written in clear
when cast, and it is counted from them as before.

Revision ID: 6346a4a18561
Revises: dc37b9e10080
Create Date: 2026-12-02 07:59:05.396160

"""

from alembic import op
import sqlalchemy as sa
import voting.core.columns


# revision identifiers, used by Alembic.
revision = "6346a4a18561"
down_revision = "dc37b9e10080"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sealed_ballot",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["poll.id"], name=op.f("fk_sealed_ballot_poll_id_poll"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sealed_ballot")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("sealed_ballot", schema=None) as batch_op:
        batch_op.create_index("ix_sealed_ballot_poll", ["poll_id"], unique=False)

    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seal_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("tellers", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("tellers_needed", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("poll", schema=None) as batch_op:
        batch_op.drop_column("tellers_needed")
        batch_op.drop_column("tellers")
        batch_op.drop_column("seal_key")

    with op.batch_alter_table("sealed_ballot", schema=None) as batch_op:
        batch_op.drop_index("ix_sealed_ballot_poll")

    op.drop_table("sealed_ballot")
