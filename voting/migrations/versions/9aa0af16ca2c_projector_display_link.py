"""projector display link: each meeting has a secret token for its projector's own link
(/meetings/<id>/projector/<token>), shown on the chair console. Existing meetings are
given a fresh random token each.

Revision ID: 9aa0af16ca2c
Revises: 6346a4a18561
Create Date: 2026-12-02 08:00:03.238862

"""

import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9aa0af16ca2c"
down_revision = "6346a4a18561"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("meeting", sa.Column("display_token", sa.String(length=64), nullable=True))
    meeting = sa.table("meeting", sa.column("id", sa.Integer), sa.column("display_token"))
    connection = op.get_bind()
    for (meeting_id,) in connection.execute(sa.select(meeting.c.id)).all():
        connection.execute(
            meeting.update()
            .where(meeting.c.id == meeting_id)
            .values(display_token=secrets.token_urlsafe(24))
        )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.alter_column("display_token", existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("display_token")
