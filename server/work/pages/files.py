"""Attachments in the browser: shown inline (photos, videos, PDF) or downloaded."""
from __future__ import annotations

from flask import redirect, request, send_file, url_for
from flask_login import login_required

from ..services import attachments
from . import pages
from ...web.common import actor, alur

INLINE = ("image/", "video/", "application/pdf")


@pages.get("/berkas/<attachment_id>")
@login_required
def attachment(attachment_id: str):
    info, fh = attachments.open_for_download(alur(), actor(), attachment_id)
    inline = info["content_type"].startswith(INLINE) and not request.args.get("unduh")
    response = send_file(fh, mimetype=info["content_type"], download_name=info["filename"],
                         as_attachment=not inline, conditional=True, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'"
    response.cache_control.private = True
    return response


@pages.get("/berkas/<attachment_id>/kecil")
@login_required
def attachment_thumbnail(attachment_id: str):
    fh = attachments.open_thumbnail(alur(), actor(), attachment_id)
    if fh is None:
        return redirect(url_for("work.attachment", attachment_id=attachment_id))
    response = send_file(fh, mimetype="image/jpeg", max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response


def file_views(ids) -> dict[str, dict]:
    """Attachment id -> what a form needs to show it (name, type, links)."""
    out = {}
    for attachment_id, info in attachments.describe_many(alur(), actor(), ids).items():
        url = url_for("work.attachment", attachment_id=attachment_id)
        out[attachment_id] = {**info, "url": url,
                              "thumb_url": url_for("work.attachment_thumbnail", attachment_id=attachment_id)
                              if info["content_type"].startswith("image/") else None}
    return out


def history_files(steps: list[dict], request: dict | None = None) -> dict[str, dict]:
    """The files named in a history's submitted answers and in the request, ready to show."""
    shown = [item for h in steps for item in h.get("shown", [])] + (request or {}).get("shown", [])
    return file_views([i for item in shown for i in item.get("files", [])])
