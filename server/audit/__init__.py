"""Auditors' domain: compare what was done with the official SOP (the tamper-evident trail, event
logs out and in, conformance of control flow, time, roles and four-eyes)."""
