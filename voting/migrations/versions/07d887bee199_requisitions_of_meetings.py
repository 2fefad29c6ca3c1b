"""requisitions of meetings

A body's meeting demanded by members, units, delegates or officers under one of its
requisition rules, with the rule's terms and the count of who could sign copied when it
starts, and its signatures (one standing signature per signer, by `signer_key`).

Revision ID: 07d887bee199
Revises: a4f9eb0183ef
Create Date: 2026-12-02 14:53:34.902455

"""

from alembic import op
import sqlalchemy as sa
import voting.core.columns


# revision identifiers, used by Alembic.
revision = "07d887bee199"
down_revision = "a4f9eb0183ef"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "requisition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "regular",
                "extraordinary",
                "emergency",
                name="meetingkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("rule_label", sa.String(length=200), nullable=False),
        sa.Column(
            "signatories",
            sa.Enum(
                "members",
                "units",
                "delegates",
                "officers",
                "body_members",
                name="signatories",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("share", sa.String(length=32), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=False),
        sa.Column("statuses", sa.JSON(), nullable=False),
        sa.Column("unit_kinds", sa.JSON(), nullable=False),
        sa.Column("eligible", sa.Integer(), nullable=False),
        sa.Column("needed", sa.Integer(), nullable=False),
        sa.Column("notice_days", sa.Integer(), nullable=False),
        sa.Column("within_days", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "reached",
                "convened",
                "closed",
                name="requisitionstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("started_at", voting.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reached_at", voting.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("convene_by", voting.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", voting.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["body_id"], ["body.id"], name=op.f("fk_requisition_body_id_body"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_requisition_meeting_id_meeting"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"],
            ["person.id"],
            name=op.f("fk_requisition_started_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requisition")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_requisition_meeting_id")),
    )
    with op.batch_alter_table("requisition", schema=None) as batch_op:
        batch_op.create_index("ix_requisition_body", ["body_id"], unique=False)

    op.create_table(
        "requisition_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requisition_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("signer_key", sa.String(length=64), nullable=True),
        sa.Column("signed_at", voting.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", voting.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_requisition_signature_person_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requisition_id"],
            ["requisition.id"],
            name=op.f("fk_requisition_signature_requisition_id_requisition"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["unit.id"],
            name=op.f("fk_requisition_signature_unit_id_unit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requisition_signature")),
        sa.UniqueConstraint(
            "requisition_id",
            "signer_key",
            name=op.f("uq_requisition_signature_requisition_id_signer_key"),
        ),
    )


def downgrade():
    op.drop_table("requisition_signature")
    with op.batch_alter_table("requisition", schema=None) as batch_op:
        batch_op.drop_index("ix_requisition_body")

    op.drop_table("requisition")
