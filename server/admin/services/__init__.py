"""Admin operations: Flask-free, called by the admin pages and the CLI."""
