"""Persistence of dossiers: configuration, engine and migrations, typed models, repository functions, the
contract JSON, and the content-addressed file store (filestore.py)."""
