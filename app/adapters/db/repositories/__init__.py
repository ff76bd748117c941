"""Repositories: map rows to domain dataclasses (``to_domain`` / ``to_row``); never commit."""
