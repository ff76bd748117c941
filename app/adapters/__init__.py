"""Adapters: the database and the outside systems behind the domain's ports."""
