"""One error body for the whole API: ``{"status", "code", "message", "errors"}``.

``code`` is stable and machine-readable; ``message`` says what to fix; ``errors`` names each
bad field with its reasons.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from server.errors import DomainError

_HTTP_CODES = {
    400: "request.bad",
    401: "auth.required",
    403: "forbidden",
    404: "not_found",
    405: "method.not_allowed",
    412: "precondition.failed",
    413: "request.too_large",
    415: "request.unsupported_media_type",
    422: "validation.failed",
    428: "precondition.required",
    500: "server.error",
}
_HTTP_MESSAGES = {
    412: "the record changed since you read it; GET it again and resend with the new ETag",
    428: "send If-Match with the ETag you got from GET, so no one else's change is overwritten",
    422: "the request has invalid fields; see errors",
}


def _body(status: int, code: str, message: str, errors: dict[str, Any] | None = None) -> Any:
    response = jsonify({"status": status, "code": code, "message": message, "errors": errors or {}})
    response.status_code = status
    return response


def _domain(error: DomainError) -> Any:
    response = _body(error.status, error.code, error.message, error.errors)
    retry_after = getattr(error, "retry_after", None)  # "busy, try again": say when
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _stale(_error: StaleDataError) -> Any:
    return _body(412, "precondition.failed", _HTTP_MESSAGES[412])


def _http(error: HTTPException) -> Any:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages") or {}
    message = data.get("message") or _HTTP_MESSAGES.get(status) or error.description or ""
    response = _body(status, _HTTP_CODES.get(status, f"http.{status}"), message, errors)
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, _domain)
    app.register_error_handler(StaleDataError, _stale)
    app.register_error_handler(HTTPException, _http)
