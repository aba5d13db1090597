"""Alur: SOP AP procedures of Indonesian agencies, run as BPMN processes."""
