"""On site: signed codes, check-ins, findings and results."""
