"""Directory sync with the provincial platform: incremental pulls, quarantine, reconciliation."""
