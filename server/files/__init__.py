"""Uploaded files: content-addressed storage with types judged from the bytes themselves.

Pure domain code (no Flask, database or engine).
"""
from server.files.storage import (
    DEFAULT_ALLOWED_TYPES,
    DEFAULT_LIMITS,
    FileStore,
    StoredFile,
    accepts,
    kind_of,
    sniff,
)

__all__ = ["DEFAULT_ALLOWED_TYPES", "DEFAULT_LIMITS", "FileStore", "StoredFile", "accepts",
           "kind_of", "sniff"]
