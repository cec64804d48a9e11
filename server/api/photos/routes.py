"""Photo evidence: the upload door, metadata and findings, pictures, and originals for reviewers."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from media import DEFAULT_LIMITS, PREVIEW, THUMBNAIL, BlobStore, FilesystemBlobStore
from media.phash import NEAR_DUPLICATE_DISTANCE
from server.api.common import page_window
from server.api.photos.schemas import (
    OriginalQuerySchema,
    PhotoDetailSchema,
    PhotoQuerySchema,
    PhotoSchema,
    PhotoUploadFilesSchema,
    PhotoUploadFormSchema,
    PhotoUploadSchema,
    ReevaluateSchema,
    ReevaluationSchema,
)
from server.api.scope import db_session, writes
from server.auth import current_actor
from server.evidence import access, repository
from server.evidence.models import Photo

blp = Blueprint("photos", __name__, url_prefix="/api/photos", description="Photo evidence")

# Evidence is never kept in a browser's cache (a shared office computer): each view is asked
# for, and recorded in custody. The ETag still names the bytes (their sha256 and kind).
PICTURE_CACHE = "no-store"
# The photo plus the form fields and the multipart framing; werkzeug stops reading beyond.
UPLOAD_MAX_BYTES = DEFAULT_LIMITS.max_bytes + 64 * 1024
# flask-smorest documents one request body per location; the upload has two (form, files).
_UPLOAD_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": PhotoUploadSchema}},
}
_BINARY = {"type": "string", "format": "binary"}
_PICTURE_HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": '"<sha256>.<kind>"'},
    "Cache-Control": {"schema": {"type": "string"}, "description": PICTURE_CACHE},
}


def media_store() -> BlobStore:
    store = current_app.extensions.get("media_store")
    if store is None:
        store = FilesystemBlobStore(current_app.config["SETTINGS"].media_root)
        current_app.extensions["media_store"] = store
    return store


@blp.before_request
def _limit_upload_size() -> None:
    # Set before the body is parsed: a declared length beyond it is refused unread (413), and
    # a body without one is cut off at the limit while it streams.
    if request.method == "POST" and request.endpoint == "photos.Photos":
        request.max_content_length = UPLOAD_MAX_BYTES


@blp.route("")
class Photos(MethodView):
    @blp.arguments(PhotoQuerySchema, location="query")
    @blp.response(200, PhotoSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters: PaginationParameters):
        """List photos with their findings: reviewers see their county, inspectors their own"""
        offset, limit = page_window(pagination_parameters)
        rows, total = repository.list_photos(
            db_session(), current_actor(), offset=offset, limit=limit, **query
        )
        pagination_parameters.item_count = total
        return rows

    @blp.arguments(PhotoUploadFormSchema, location="form")
    @blp.arguments(PhotoUploadFilesSchema, location="files")
    @blp.doc(requestBody=_UPLOAD_BODY)
    @blp.response(201, PhotoSchema)
    @blp.alt_response(200, schema=PhotoSchema, description="this doc_id with these bytes: as first")
    @blp.alt_response(409, description="the doc_id names other bytes or someone else's photo")
    @blp.alt_response(413, description="larger than the photo limit (25 MiB); nothing read")
    @blp.alt_response(503, description="busy reading other photos; retry after Retry-After s")
    def post(self, form, files):
        """Upload a photo (inspectors, for their assignment); status says accepted or rejected

        A refused photo (not JPEG/HEIC, damaged, too large) is kept as rejected with its
        reason code and messages; sending the same bytes again gives the same answer.
        """
        upload, data = files["file"], files["file"].read()
        session, actor = db_session(), current_actor()
        admitted = access.admit_upload(
            session,
            actor=actor,
            doc_id=form["doc_id"],
            data=data,
            assignment_id=form["assignment_id"],
        )
        if admitted.answer is not None:
            photo, outcome = admitted.answer
            return photo, 200
        # No transaction is held while the photo is decoded: the reads above end here (they
        # changed nothing), the photo is read and stored, then one short transaction records it.
        session.commit()
        prepared = access.prepare_upload(
            media_store(), data=data, taken_at=form["taken_at"], claimed_name=upload.filename
        )
        photo, outcome = access.record_upload(
            session,
            admitted,
            prepared,
            actor=actor,
            inspection_doc_id=form["inspection_doc_id"],
            item=form["item"],
            device_id=form["device_id"],
            taken_at=form["taken_at"],
            content_type=upload.mimetype or None,
        )
        return photo, 201 if outcome.created else 200


@blp.route("/reevaluation")
class Reevaluation(MethodView):
    @blp.arguments(ReevaluateSchema)
    @blp.response(200, ReevaluationSchema)
    def post(self, data):
        """Run the checks again on an assignment's photos (after a boundary, window or device
        change); reviewers in scope"""
        photos = access.reevaluate(db_session(), actor=current_actor(), **data)
        return {"photos": photos}


@blp.route("/<int:photo_id>")
class PhotoItem(MethodView):
    @blp.response(200, PhotoDetailSchema)
    def get(self, photo_id: int):
        """One photo: its metadata, findings, custody, and its other uses anywhere in the city"""
        session = db_session()
        photo = repository.get_photo(session, current_actor(), photo_id)
        uses = repository.other_uses(session, photo, max_distance=NEAR_DUPLICATE_DISTANCE)
        return _Detail(photo, uses)


class _Detail:
    """A photo plus what only its detail shows (custody comes from the photo's relationship)."""

    def __init__(self, photo: Photo, other_uses: list[dict[str, Any]]) -> None:
        self._photo, self.other_uses = photo, other_uses

    def __getattr__(self, name: str) -> Any:
        return getattr(self._photo, name)


def picture_response(photo_id: int, kind: str) -> Response:
    """A derivative of a photo the actor may see, with its content-addressed ETag; the API
    and the reviewer pages serve pictures through this one function."""
    served = access.picture(
        db_session(),
        actor=current_actor(),
        store=media_store(),
        photo_id=photo_id,
        kind=kind,
        cached=frozenset(request.if_none_match.as_set()),
    )
    # 304 when the client's copy is current: content-addressed, so it cannot be stale.
    response = Response(served.data, mimetype="image/jpeg", status=200 if served.data else 304)
    response.set_etag(served.etag)
    response.headers["Cache-Control"] = PICTURE_CACHE
    return response


@blp.route("/<int:photo_id>/thumbnail")
class PhotoThumbnail(MethodView):
    @blp.response(200, _BINARY, content_type="image/jpeg", headers=_PICTURE_HEADERS)
    @blp.alt_response(304, description="If-None-Match holds the current ETag")
    def get(self, photo_id: int):
        """The thumbnail (about 320 px, upright JPEG, no metadata)"""
        return picture_response(photo_id, THUMBNAIL)


@blp.route("/<int:photo_id>/preview")
class PhotoPreview(MethodView):
    @writes  # each preview served is a custody event
    @blp.response(200, _BINARY, content_type="image/jpeg", headers=_PICTURE_HEADERS)
    @blp.alt_response(304, description="If-None-Match holds the current ETag")
    def get(self, photo_id: int):
        """The preview (about 1280 px, upright JPEG, no metadata); each view is in the custody"""
        return picture_response(photo_id, PREVIEW)


@blp.route("/<int:photo_id>/original")
class PhotoOriginal(MethodView):
    @writes  # recorded in custody and the audit log
    @blp.arguments(OriginalQuerySchema, location="query")
    @blp.response(
        200,
        _BINARY,
        content_type="application/octet-stream",
        description="image/jpeg or image/heic as received",
    )
    def get(self, query, photo_id: int):
        """The original bytes as received (reviewers in scope and admins; recorded in custody
        and the audit log; never cached)"""
        download = query["download"]
        photo, handle = access.open_original(
            db_session(),
            actor=current_actor(),
            store=media_store(),
            photo_id=photo_id,
            download=download,
        )
        extension = {"image/jpeg": "jpg", "image/heic": "heic"}.get(photo.mime or "", "bin")
        response = send_file(
            handle,
            mimetype=photo.mime or "application/octet-stream",
            as_attachment=download,
            download_name=f"photo-{photo.id}-{photo.sha256}.{extension}",
            etag=f"{photo.sha256}.original",
            conditional=False,  # every access reaches the server and is recorded
            max_age=None,
        )
        response.headers["Cache-Control"] = "private, no-store"
        return response
