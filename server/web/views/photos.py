"""A photo's page and its pictures, served through the evidence service like the API's: the
derivatives for every reviewer in scope, the original for those ``access.open_original`` lets
through, each preview and original view recorded in the photo's custody."""

from __future__ import annotations

from flask import Response, render_template, send_file

from media import PREVIEW, THUMBNAIL
from server.api.photos.routes import media_store, picture_response
from server.api.scope import db_session, writes
from server.auth import current_actor
from server.evidence import access
from server.web import i18n, labels
from server.web.blueprint import page
from server.web.dossier import photo_detail, placement, worst_severity


@page("/photos/<int:photo_id>")
def photo(photo_id: int) -> str:
    """A photo: its preview, what it says about itself, its checks and flags, its custody."""
    actor = current_actor()
    detail = photo_detail(db_session(), actor, photo_id)
    return render_template(
        "review/photo.html",
        p=detail.photo,
        detail=detail,
        may_open_original=actor.role in access.ORIGINAL_READERS,
        placement=placement(detail.photo),
        worst=worst_severity(detail.photo),
        custody_label=i18n.custody_label,
        say_text=labels.say,
        finding_name=labels.finding_name,
        photo_item_name=labels.photo_item_name,
        door_label=lambda door: i18n.t(f"door.{door}") if f"door.{door}" in i18n.MESSAGES else "—",
    )


@page("/photos/<int:photo_id>/thumbnail.jpg")
def thumbnail(photo_id: int) -> Response:
    return picture_response(photo_id, THUMBNAIL)


@page("/photos/<int:photo_id>/preview.jpg")
@writes  # each preview served is a custody event
def preview(photo_id: int) -> Response:
    return picture_response(photo_id, PREVIEW)


@page("/photos/<int:photo_id>/original")
@writes  # recorded in custody and the audit log
def original(photo_id: int) -> Response:
    """The original bytes (recorded in custody and the audit log; never cached)."""
    opened, handle = access.open_original(
        db_session(), actor=current_actor(), store=media_store(), photo_id=photo_id, download=False
    )
    response = send_file(
        handle,
        mimetype=opened.mime or "application/octet-stream",
        etag=False,
        conditional=False,
        max_age=None,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
