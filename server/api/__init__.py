"""The REST API: one blueprint per resource, each a MethodView with its marshmallow schemas."""

from flask_smorest import Blueprint

from server.api.bounds import BoundedParser

# Every blueprint parses its arguments with one parser that bounds integers to 64 bits (set
# here, before any blueprint module is imported: a route keeps the parser it was declared with).
Blueprint.ARGUMENTS_PARSER = BoundedParser()
Blueprint.PAGINATION_ARGUMENTS_PARSER = BoundedParser()
