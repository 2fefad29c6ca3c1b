"""notification choices and reminders sent once

Each person's kinds of notification mail turned off (none: every kind on), and the
reminders claimed, one row per reminder and person, so several workers send each once.

Revision ID: 5d84c11a2155
Revises: bb11d1beb0c6
Create Date: 2026-12-02 14:39:20.781906

"""

from alembic import op
import sqlalchemy as sa
import voting.core.columns


# revision identifiers, used by Alembic.
revision = "5d84c11a2155"
down_revision = "bb11d1beb0c6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject_key", sa.String(length=100), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", voting.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_reminder_sent_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sent")),
        sa.UniqueConstraint(
            "kind",
            "subject_key",
            "person_id",
            name=op.f("uq_reminder_sent_kind_subject_key_person_id"),
        ),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mail_off", sa.JSON(), server_default="[]", nullable=False))


def downgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("mail_off")

    op.drop_table("reminder_sent")
