"""outlets: text anchors and links between documents carrying the same text

Revision ID: 0002
Revises: 0001

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "text_index",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.Column("anchors", sa.Integer(), nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_text_index_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_text_index")),
    )
    op.create_table(
        "text_anchors",
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_text_anchors_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("hash", "document_id", name=op.f("pk_text_anchors")),
    )
    with op.batch_alter_table("text_anchors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_text_anchors_document_id"), ["document_id"], unique=False
        )

    op.create_table(
        "outlet_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("overlap", sa.Float(), nullable=False),
        sa.Column("shared_chars", sa.Integer(), nullable=False),
        sa.Column("document_version", sa.Integer(), nullable=False),
        sa.Column("other_version", sa.Integer(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_outlet_links_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["other_id"], ["documents.id"], name=op.f("fk_outlet_links_other_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outlet_links")),
        sa.UniqueConstraint("document_id", "other_id", name=op.f("uq_outlet_links_document_id")),
    )
    with op.batch_alter_table("outlet_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outlet_links_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outlet_links_other_id"), ["other_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("outlet_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outlet_links_other_id"))
        batch_op.drop_index(batch_op.f("ix_outlet_links_document_id"))

    op.drop_table("outlet_links")
    with op.batch_alter_table("text_anchors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_text_anchors_document_id"))

    op.drop_table("text_anchors")
    op.drop_table("text_index")
