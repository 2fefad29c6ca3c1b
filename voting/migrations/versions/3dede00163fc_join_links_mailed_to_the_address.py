"""join links mailed to the address: a join link sent by mail (its secret never shown to
the sender) is marked so; only such a link, or a reset link, lets a person whom another
organisation also holds choose a password. Existing links count as not mailed.

Revision ID: 3dede00163fc
Revises: 8f076378a511
Create Date: 2026-12-02 08:09:19.053819

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3dede00163fc"
down_revision = "8f076378a511"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mailed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_column("mailed")
