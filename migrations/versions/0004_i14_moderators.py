"""moderators choose mail about held comments: each, a digest every N minutes, or none

Revision ID: i14_moderators
Revises: i13_facts
"""
from alembic import op
import sqlalchemy as sa


revision = "i14_moderators"
down_revision = "i13_facts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("moderators") as batch:
        batch.add_column(sa.Column("held_mail", sa.String(length=16), nullable=False,
                                   server_default="each"))
        batch.add_column(sa.Column("held_mail_minutes", sa.Integer(), nullable=False,
                                   server_default="60"))
        batch.add_column(sa.Column("held_mail_sent_at", sa.DateTime(timezone=True),
                                   nullable=True))


def downgrade():
    with op.batch_alter_table("moderators") as batch:
        batch.drop_column("held_mail_sent_at")
        batch.drop_column("held_mail_minutes")
        batch.drop_column("held_mail")
