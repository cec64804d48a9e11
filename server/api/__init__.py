"""The REST API: one blueprint per resource, each a MethodView with its marshmallow schemas."""
