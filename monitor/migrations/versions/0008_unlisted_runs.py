"""how many whole walks in a row have not listed a document

Revision ID: 0008
Revises: 0007

documents.unlisted_runs: consecutive successful runs whose corroborated whole walk of every
column no longer listed the document though it was dated after the oldest document still listed
(it left the middle of its column, not its end). Two make it ``removed`` — withdrawn from the
column — whether or not its page still answers; a run that lists it again sets it back to 0.
Existing documents start at 0.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("unlisted_runs", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("unlisted_runs")
