"""The transactional outbox: pushes to the provincial platform, written with the change that causes them."""
