"""roster versions made by a swap may store their change only

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rosters', schema=None) as batch_op:
        batch_op.alter_column('data', existing_type=sa.Text(), nullable=True)


def downgrade() -> None:
    # versions stored as changes only cannot be brought back by SQL: refuse, do not lose them
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM rosters WHERE data IS NULL")).scalar():
        raise RuntimeError("rosters hold versions stored as changes only; export them before "
                           "downgrading below revision 0003")
    with op.batch_alter_table('rosters', schema=None) as batch_op:
        batch_op.alter_column('data', existing_type=sa.Text(), nullable=False)
