"""Errors that reach a user: each carries its message in Bahasa Indonesia and in English.

Services and the engine raise these; the web and API layers only pick the language and the
HTTP status. Nothing here knows Flask.
"""
from __future__ import annotations


class AlurError(Exception):
    """A failure the user can understand and act on; nothing was changed."""

    status = 400
    code = "bad_request"
    # detail keys that the contract names at the top of the error object (beside `detail`)
    lifted: tuple[str, ...] = ()

    def __init__(self, message_id: str, message_en: str, *, fields: dict | None = None, **detail):
        super().__init__(message_en)
        self.message_id = message_id
        self.message_en = message_en
        # field name -> list of {"id": ..., "en": ...} messages, for per-field form errors
        self.fields = fields or {}
        self.detail = detail

    def message(self, locale: str = "id") -> str:
        return self.message_en if locale == "en" else self.message_id

    def to_dict(self, locale: str = "id") -> dict:
        out = {"error": self.code, "message": self.message(locale),
               "message_id": self.message_id, "message_en": self.message_en}
        if self.fields:
            out["fields"] = {
                name: [m["en"] if locale == "en" else m["id"] for m in msgs]
                for name, msgs in self.fields.items()
            }
        if self.detail:
            out["detail"] = self.detail
        out.update((key, self.detail[key]) for key in self.lifted if key in self.detail)
        return out


class InvalidInput(AlurError):
    status = 422
    code = "invalid_input"


class DiagramRejected(AlurError):
    """A BPMN file that Alur will not deploy (unsafe, malformed or not executable)."""

    status = 422
    code = "diagram_rejected"
    lifted = ("findings",)


class ExpressionRejected(DiagramRejected):
    """A diagram expression outside what the restricted evaluator allows."""

    code = "expression_rejected"


class NotFound(AlurError):
    status = 404
    code = "not_found"


class Forbidden(AlurError):
    status = 403
    code = "forbidden"


class Conflict(AlurError):
    """The thing changed under the caller: a task already done, claimed by someone else."""

    status = 409
    code = "conflict"


class DraftConflict(AlurError):
    """Another save of the draft came first: who saved it, when, and its ETag (412)."""

    status = 412
    code = "draft_conflict"
    lifted = ("saved_by", "saved_at", "etag")


class PreconditionRequired(AlurError):
    """A write that must name the version it changes (If-Match) and did not (428)."""

    status = 428
    code = "precondition_required"


class Unauthenticated(AlurError):
    status = 401
    code = "unauthenticated"


# What the JSON API says for HTTP errors that no service raised (unknown address, wrong method,
# body too large), in Indonesian and English.
HTTP_MESSAGES = {
    404: ("Alamat tidak ditemukan.", "Not found."),
    405: ("Metode tidak diizinkan.", "Method not allowed."),
    413: ("Berkas terlalu besar.", "File too large."),
}


def http_error(status: int, name: str, description: str | None) -> AlurError:
    """An HTTP error as an AlurError, so the API answers it like every other error."""
    m_id, m_en = HTTP_MESSAGES.get(status, (description or "Kesalahan.", description or "Error."))
    err = AlurError(m_id, m_en)
    err.status, err.code = status, name.lower().replace(" ", "_")
    return err
