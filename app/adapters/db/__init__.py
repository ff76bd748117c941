"""Persistence on SQLite (embedded default) and PostgreSQL (production) from the same code."""
