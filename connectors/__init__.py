"""Connectors to the outside world (social platforms, e-mail); each speaks one real protocol."""
