"""anchor document frequencies for outlet matching

Revision ID: 0005
Revises: 0004

text_anchor_counts: how many documents carry each text anchor, filled from text_anchors. Outlet
matching asks only about a document's rarest shared anchors, so that a stock phrase carried by
thousands of documents does not make every lookup read thousands of rows.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "text_anchor_counts",
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_text_anchor_counts")),
    )
    op.execute(
        "INSERT INTO text_anchor_counts (hash, documents) "
        "SELECT hash, COUNT(*) FROM text_anchors GROUP BY hash"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("text_anchor_counts")
