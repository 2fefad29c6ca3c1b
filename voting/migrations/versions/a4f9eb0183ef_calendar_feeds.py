"""calendar feeds

Each person's calendar feed: the digest of the secret in its address, one per person.

Revision ID: a4f9eb0183ef
Revises: 5d84c11a2155
Create Date: 2026-12-02 14:51:54.394575

"""

from alembic import op
import sqlalchemy as sa
import voting.core.columns


# revision identifiers, used by Alembic.
revision = "a4f9eb0183ef"
down_revision = "5d84c11a2155"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", voting.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_calendar_feed_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_calendar_feed_key_hash")),
        sa.UniqueConstraint("person_id", name=op.f("uq_calendar_feed_person_id")),
    )


def downgrade():
    op.drop_table("calendar_feed")
