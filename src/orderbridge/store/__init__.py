"""The hub's state: SQLAlchemy tables, repositories and packaged Alembic migrations.

Open it with ``open_store(load_settings())``; repository functions (``orderbridge.store.orders``
and friends) take a ``Session`` and never commit: the caller owns the transaction.
"""

from orderbridge.store.engine import create_engine_for, session_factory
from orderbridge.store.migrate import Store, open_store, upgrade

__all__ = ["Store", "create_engine_for", "open_store", "session_factory", "upgrade"]
