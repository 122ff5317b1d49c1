"""Alembic migrations of the storage schema (run with storage.db.migrate)."""
