"""flags remember the reporter's wider network, so one network's flags count once

Revision ID: i13_clients
Revises: 974db6fc61ee
Create Date: 2026-12-03 14:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'i13_clients'
down_revision = "974db6fc61ee"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('network_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_column('network_hash')
