"""Device schemas: an inspector's registered tablet and what its camera writes in EXIF."""

from __future__ import annotations

import marshmallow as ma


class DeviceSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    user_id = ma.fields.Integer(dump_only=True)
    device_id = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "as the tablet reports it in its documents"},
    )
    make = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=100),
        metadata={"description": "EXIF Make, e.g. Apple"},
    )
    model = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=100),
        metadata={"description": "EXIF Model, e.g. iPad (9th generation)"},
    )
    serial_number = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=100),
        metadata={"description": "EXIF BodySerialNumber, where the camera writes one"},
    )
    registered_at = ma.fields.AwareDateTime(dump_only=True)
    registered_by = ma.fields.Integer(dump_only=True, allow_none=True)
    active = ma.fields.Boolean(dump_only=True)


class DevicePatchSchema(ma.Schema):
    make = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=100))
    model = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=100))
    serial_number = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=100))
    active = ma.fields.Boolean(metadata={"description": "false retires the device"})
