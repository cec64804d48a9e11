"""Inspectors' registered tablets (admin): photos from other devices are flagged."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.devices.schemas import DevicePatchSchema, DeviceSchema
from server.api.scope import db_session
from server.auth import current_actor
from server.evidence import devices

blp = Blueprint("devices", __name__, url_prefix="/api/users", description="Registered devices")


@blp.route("/<int:user_id>/devices")
class Devices(MethodView):
    @blp.response(200, DeviceSchema(many=True))
    def get(self, user_id: int):
        """An inspector's devices (admins, and the inspector)"""
        return devices.list_devices(db_session(), actor=current_actor(), user_id=user_id)

    @blp.arguments(DeviceSchema)
    @blp.response(201, DeviceSchema)
    @blp.alt_response(409, description="this device is already registered to the inspector")
    def post(self, data, user_id: int):
        """Register a tablet to an inspector (admin only)"""
        return devices.register_device(db_session(), actor=current_actor(), user_id=user_id, **data)


@blp.route("/<int:user_id>/devices/<int:device_pk>")
class DeviceItem(MethodView):
    @blp.arguments(DevicePatchSchema)
    @blp.response(200, DeviceSchema)
    def patch(self, changes, user_id: int, device_pk: int):
        """Change a device's camera details or retire it (admin only)"""
        return devices.update_device(
            db_session(),
            actor=current_actor(),
            user_id=user_id,
            device_pk=device_pk,
            changes=changes,
        )
