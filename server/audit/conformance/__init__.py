"""Conformance checking written from the literature: a diagram's Petri-net translation, token-based
replay and optimal alignments. Pure: no database, no Flask, no SpiffWorkflow."""
