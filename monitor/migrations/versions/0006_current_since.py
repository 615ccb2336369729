"""when a document's current version became current, and when it last flapped

Revision ID: 0006
Revises: 0005

documents.current_since: when the page began to show its current version — a new version, or
a flap back to an older one. Ingest tells a page flapping between two states (each seen once at a
time: no news) from a publisher going back to earlier content after the later one had stood
(a correction, an abolition withdrawn: news) by how many fetches saw the current state.
documents.flapped_at: the last silent flap back; a page known to flap stays quiet for a while
even when one of its states happens to be seen twice in a row. Existing documents start from
their current version's creation time, and have not flapped.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("current_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("flapped_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE documents SET current_since = (SELECT versions.created_at FROM versions "
        "WHERE versions.id = documents.current_version_id)"
    )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("flapped_at")
        batch.drop_column("current_since")
