"""sign-ins, API token scopes and expiry: each signed-in browser is a row in sign_in
(signing out ends it, a new password ends them all), replacing the person's session
epoch; API tokens carry scopes and an expiry.

Existing tokens keep every scope and expire 90 days from the upgrade. Sessions from
before the upgrade name no sign-in: their people sign in once more.

Revision ID: 8f076378a511
Revises: 9aa0af16ca2c
Create Date: 2026-12-02 08:04:52.214378

"""

from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa
import voting.core.columns


# revision identifiers, used by Alembic.
revision = "8f076378a511"
down_revision = "9aa0af16ca2c"
branch_labels = None
depends_on = None

EXISTING_TOKENS_DAYS = 90


def upgrade():
    op.create_table(
        "sign_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", voting.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", voting.core.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", voting.core.columns.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_sign_in_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_sign_in_key_hash")),
    )
    with op.batch_alter_table("sign_in", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_person_id"), ["person_id"], unique=False)

    op.add_column("api_token", sa.Column("scopes", sa.String(length=64), nullable=True))
    op.add_column(
        "api_token",
        sa.Column("expires_at", voting.core.columns.UTCDateTime(timezone=True), nullable=True),
    )
    token = sa.table(
        "api_token",
        sa.column("scopes", sa.String()),
        sa.column("expires_at", voting.core.columns.UTCDateTime(timezone=True)),
    )
    op.execute(
        token.update().values(
            scopes="read vote chair admin",
            expires_at=datetime.now(UTC) + timedelta(days=EXISTING_TOKENS_DAYS),
        )
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.alter_column("scopes", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column(
            "expires_at",
            existing_type=voting.core.columns.UTCDateTime(timezone=True),
            nullable=False,
        )

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")


def downgrade():
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_epoch", sa.INTEGER(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
        batch_op.drop_column("scopes")

    with op.batch_alter_table("sign_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_person_id"))

    op.drop_table("sign_in")
