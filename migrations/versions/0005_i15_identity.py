"""readers' identity: readers, seen SSO token ids, sign-in codes; comments and sites learn of them

Revision ID: i15_identity
Revises: i14_moderators
"""
from alembic import op
import sqlalchemy as sa


revision = "i15_identity"
down_revision = "i14_moderators"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "readers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("email_hash", sa.String(length=64), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("badges", sa.JSON(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("profile_issued_at", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_readers_site_id_sites"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readers")),
        sa.UniqueConstraint("site_id", "subject", name=op.f("uq_readers_site_id_subject")),
    )
    with op.batch_alter_table("readers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_readers_email_hash"), ["email_hash"], unique=False)

    op.create_table(
        "seen_token_ids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("jti_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"],
                                name=op.f("fk_seen_token_ids_site_id_sites"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seen_token_ids")),
        sa.UniqueConstraint("site_id", "jti_hash", name=op.f("uq_seen_token_ids_site_id_jti_hash")),
    )
    with op.batch_alter_table("seen_token_ids", schema=None) as batch_op:
        batch_op.create_index("ix_seen_token_ids_expires_at", ["expires_at"], unique=False)

    op.create_table(
        "sign_in_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("tries_left", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"],
                                name=op.f("fk_sign_in_codes_site_id_sites"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_codes")),
    )
    with op.batch_alter_table("sign_in_codes", schema=None) as batch_op:
        batch_op.create_index("ix_sign_in_codes_lookup", ["site_id", "email_hash"], unique=False)

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reader_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("verified", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("badges", sa.String(length=300), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("featured", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("author_key", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_comments_reader_id"), ["reader_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_comments_reader_id_readers"), "readers",
                                    ["reader_id"], ["id"], ondelete="SET NULL")

    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("featured_count", sa.Integer(), nullable=False,
                                      server_default="0"))

    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sso_secret", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("sso_public_key", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.drop_column("featured_count")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_column("sso_public_key")
        batch_op.drop_column("sso_secret")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_comments_reader_id_readers"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_comments_reader_id"))
        batch_op.drop_column("author_key")
        batch_op.drop_column("featured")
        batch_op.drop_column("badges")
        batch_op.drop_column("verified")
        batch_op.drop_column("reader_id")
    with op.batch_alter_table("sign_in_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_codes_lookup")
    op.drop_table("sign_in_codes")
    with op.batch_alter_table("seen_token_ids", schema=None) as batch_op:
        batch_op.drop_index("ix_seen_token_ids_expires_at")
    op.drop_table("seen_token_ids")
    with op.batch_alter_table("readers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_readers_email_hash"))
    op.drop_table("readers")
