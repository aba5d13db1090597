"""Deadlines: timers that fall due, scheduled SOPs, escalation of overdue tasks, monthly reports."""
