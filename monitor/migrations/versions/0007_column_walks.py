"""column walks and pending documents

Revision ID: 0007
Revises: 0006

column_walks: per column (a site's start URL), the last run that walked it whole without a list
page failing — how many documents and pages it read, what its pager stated — and the last run in
which one of its list pages failed. A run stops paginating at a page of known documents only
after such a walk, since the last failure and within the full-walk period: a list page that
failed once, or a document back-dated onto page 3, was otherwise never reached again.
pending_documents: listed URLs whose fetch has not brought the document yet, asked for again on
every run until it does. Existing sites start with neither: their next run walks every column
to its end.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "column_walks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("walked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("walked_run_id", sa.Integer(), nullable=True),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("links", sa.Integer(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("stated_total", sa.Integer(), nullable=True),
        sa.Column("stated_unit", sa.String(length=16), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("short_walks", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"],
                                name=op.f("fk_column_walks_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_column_walks")),
        sa.UniqueConstraint("site_id", "url", name=op.f("uq_column_walks_site_id")),
    )
    op.create_table(
        "pending_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("list_title", sa.Text(), nullable=True),
        sa.Column("list_date", sa.String(length=10), nullable=True),
        sa.Column("first_listed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tried_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("gone_tries", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"],
                                name=op.f("fk_pending_documents_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_documents")),
        sa.UniqueConstraint("site_id", "url", name=op.f("uq_pending_documents_site_id")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("pending_documents")
    op.drop_table("column_walks")
