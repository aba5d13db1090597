"""An ETag of numbers: the same figures give the same tag, so a page or client polling them gets
304 Not Modified until something changed (a task done, a case started, a due time passed)."""
from __future__ import annotations

import hashlib
import json


def etag_of(numbers) -> str:
    """A short strong validator of any JSON-able value (keys sorted)."""
    text = json.dumps(numbers, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
