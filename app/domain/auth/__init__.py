"""Identity and access: users, roles, permissions, API keys."""
