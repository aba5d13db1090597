"""Admin Instansi: an agency's users, roles, lanes and calendar."""
