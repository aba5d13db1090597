"""Modelling operations: Flask-free, called by the modeler pages, the API and the CLI."""
