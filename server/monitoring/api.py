"""Supervisors' JSON API (under /api/v1): steering running instances."""
from __future__ import annotations
