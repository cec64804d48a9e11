"""Photo schemas: what a photo says about itself, what the checks found, where else it was used."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from media.phash import from_signed, to_hex
from server.api.common import QueryArgs
from server.evidence.access import DOC_ID


class FindingSchema(ma.Schema):
    code = ma.fields.String()
    severity = ma.fields.String(metadata={"description": "info | warning | critical"})
    message_zh = ma.fields.String()
    message_en = ma.fields.String()
    data = ma.fields.Dict()
    evaluated_at = ma.fields.AwareDateTime()


class PhotoSchema(ma.Schema):
    id = ma.fields.Integer()
    doc_id = ma.fields.String()
    door = ma.fields.String(metadata={"description": "sync | upload"})
    inspector_id = ma.fields.Integer()
    assignment_id = ma.fields.Integer(allow_none=True)
    inspection_doc_id = ma.fields.String(allow_none=True)
    item = ma.fields.String(allow_none=True)
    device_id = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"description": "accepted | rejected | withdrawn"})
    rejection = ma.fields.Dict(
        allow_none=True, metadata={"description": "code, message_zh, message_en, data"}
    )
    sha256 = ma.fields.String(allow_none=True)
    size = ma.fields.Integer(allow_none=True)
    content_type = ma.fields.String(allow_none=True, metadata={"description": "as claimed"})
    mime = ma.fields.String(allow_none=True, metadata={"description": "from the content"})
    tablet_taken_at = ma.fields.AwareDateTime(allow_none=True)
    received_at = ma.fields.AwareDateTime()
    exif_taken_at = ma.fields.AwareDateTime(allow_none=True)
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    altitude_m = ma.fields.Float(allow_none=True)
    gps_accuracy_m = ma.fields.Float(allow_none=True)
    make = ma.fields.String(allow_none=True)
    model = ma.fields.String(allow_none=True)
    width = ma.fields.Integer(allow_none=True)
    height = ma.fields.Integer(allow_none=True)
    orientation = ma.fields.Integer(allow_none=True)
    phash = ma.fields.Method("_phash", metadata={"description": "64-bit perceptual hash, hex"})
    evaluated_at = ma.fields.AwareDateTime(allow_none=True)
    findings = ma.fields.List(ma.fields.Nested(FindingSchema))

    def _phash(self, photo) -> str | None:
        return None if photo.phash is None else to_hex(from_signed(photo.phash))


class OtherUseSchema(ma.Schema):
    photo_id = ma.fields.Integer()
    plant_id = ma.fields.Integer(metadata={"description": "the site"})
    visit_id = ma.fields.Integer(metadata={"description": "the assignment"})
    match = ma.fields.String(metadata={"description": "exact (same bytes) | near (pHash)"})
    distance = ma.fields.Integer(metadata={"description": "Hamming distance of the pHashes"})
    same_visit = ma.fields.Boolean()


class CustodySchema(ma.Schema):
    event = ma.fields.String()
    at = ma.fields.AwareDateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    door = ma.fields.String(allow_none=True)
    device_id = ma.fields.String(allow_none=True)
    sha256 = ma.fields.String(allow_none=True)
    detail = ma.fields.Dict()


class PhotoDetailSchema(PhotoSchema):
    metadata = ma.fields.Dict(allow_none=True, attribute="meta")
    other_uses = ma.fields.List(ma.fields.Nested(OtherUseSchema))
    custody = ma.fields.List(ma.fields.Nested(CustodySchema))


class PhotoQuerySchema(QueryArgs):
    assignment_id = ma.fields.Integer()
    inspection_doc_id = ma.fields.String()
    finding = ma.fields.String(metadata={"description": "only photos with this finding code"})
    status = ma.fields.String(validate=ma.validate.OneOf(["accepted", "rejected", "withdrawn"]))


class PhotoUploadFormSchema(ma.Schema):
    doc_id = ma.fields.String(
        required=True,
        validate=ma.validate.Regexp(DOC_ID),
        metadata={"description": "photo:<uuid>, made by the client; sending it again is safe"},
    )
    assignment_id = ma.fields.Integer(required=True)
    inspection_doc_id = ma.fields.String(
        load_default=None, validate=ma.validate.Length(max=120), allow_none=True
    )
    item = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=200),
        allow_none=True,
        metadata={"description": "the form item the photo answers"},
    )
    device_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    taken_at = ma.fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "the device's clock when the photo was taken, with its offset"},
    )


class PhotoUploadFilesSchema(ma.Schema):
    file = Upload(
        required=True,
        metadata={"description": "the camera's JPEG or HEIC, as taken (judged by its content)"},
    )


class OriginalQuerySchema(QueryArgs):
    download = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "as a file to keep (recorded as downloaded, not viewed)"},
    )


class PhotoUploadSchema(PhotoUploadFormSchema, PhotoUploadFilesSchema):
    """The whole multipart body, for the documentation (parsed as its two parts)."""


class ReevaluateSchema(ma.Schema):
    assignment_id = ma.fields.Integer(required=True)


class ReevaluationSchema(ma.Schema):
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema))
