"""article facts: a thread's title is the publisher's; readers' titles wait as hints

Revision ID: i13_facts
Revises: i13_clients
Create Date: 2026-12-03 14:20:00

Existing sites keep accepting articles named by readers (`article_facts` = "open"), so no
install stops taking comments on upgrade; new sites read facts from their own pages ("fetch").
Existing titles came from readers' requests, or from imports, and nothing tells which: they
become hints that a moderator confirms (`comments articles confirm SITE --all`), so none
reaches a mail before someone vouched for it.
"""
import json

from alembic import op
import sqlalchemy as sa


revision = 'i13_facts'
down_revision = "i13_clients"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_source', sa.String(length=16), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('title_hint', sa.String(length=500), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('facts_checked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('facts_status', sa.Integer(), nullable=True))
    connection = op.get_bind()
    connection.execute(sa.text("UPDATE threads SET title_hint = title, title = '' WHERE title <> ''"))
    sites = sa.table('sites', sa.column('id', sa.Integer()), sa.column('settings', sa.JSON()))
    for site_id, settings in connection.execute(sa.select(sites.c.id, sites.c.settings)).all():
        data = settings if isinstance(settings, dict) else json.loads(settings or "{}")
        data = {**(data or {}), "article_facts": "open"}
        connection.execute(sites.update().where(sites.c.id == site_id).values(settings=data))


def downgrade():
    connection = op.get_bind()
    connection.execute(sa.text(
        "UPDATE threads SET title = title_hint WHERE title = '' AND title_hint <> ''"))
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_column('facts_status')
        batch_op.drop_column('facts_checked_at')
        batch_op.drop_column('title_hint')
        batch_op.drop_column('title_source')
