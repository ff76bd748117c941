"""Scheduling: working days, inspector availability, visits and deadlines."""
