"""The JSON API under /api/v1 (described by /api/v1/openapi.json)."""
from .views import api

__all__ = ["api"]
