"""Alembic migrations for every context; run with ``lifeline db upgrade``."""
