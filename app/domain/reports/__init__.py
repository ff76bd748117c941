"""Reports: monthly reports, quarterly summaries, exports."""
