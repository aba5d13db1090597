"""Supervisors' domain (Pengawas, and read-only their Auditor): see and steer running SOPs."""
