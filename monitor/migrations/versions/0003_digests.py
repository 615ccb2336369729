"""digests: sender claims with a lease, filtered-out deliveries, per-channel bookkeeping

Revision ID: 0003
Revises: 0002

- outbox.claimed_by / lease_until: a 'sending' message belongs to one sender; another sender
  takes it back only when the claim is stale (lease over, or the holder's process is gone).
- deliveries.outbox_id becomes nullable: NULL records an event that was considered for a
  subscription and did not match its keywords or publishers.
- channels: one row per (subscription, channel) with the time it was first seen and the last
  daily/weekly schedule time it was served.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "channels",
        sa.Column("subscription_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=300), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("served_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("subscription_id", "channel", name=op.f("pk_channels")),
    )
    # Subscriptions that existed before keep their e-mail backlog: the e-mail channel is as old
    # as the subscription.
    op.execute("INSERT INTO channels (subscription_id, channel, first_seen) "
               "SELECT id, 'email', first_seen FROM subscriptions")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.alter_column("outbox_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DELETE FROM deliveries WHERE outbox_id IS NULL")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.alter_column("outbox_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claimed_by")
    op.drop_table("channels")
