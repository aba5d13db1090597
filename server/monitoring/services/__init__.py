"""Monitoring services: Flask-free, each asks the access policy (instance.steer, instance.read)."""
