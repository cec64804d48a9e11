"""JSON bodies nested deeper than a sane depth are answered 400 before anything parses them.

Python's parser raises RecursionError (a 500) somewhere past a thousand levels, and everything
that walks a parsed body afterwards (marshmallow, the audit chain's canonical JSON) recurses too.
The API's bodies are read by webargs with the standard library, not through Flask's JSON
provider, so the check runs before each request on the raw bytes: brackets are counted outside
strings. The sync gateway checks its own bodies as it reads them (server/gateway/bulk.py).
"""

from __future__ import annotations

import re

from flask import Flask, abort, request

from sync.contract import MAX_JSON_DEPTH

# Strings (with their escapes) and the brackets outside them.
_TOKENS = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]', re.DOTALL)
_OPEN = frozenset(b"[{")


def depth_exceeds(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text ``data`` nests deeper than ``limit`` (without parsing it)."""
    depth = 0
    for token in _TOKENS.finditer(data):
        first = token.group()[0]
        if first in _OPEN:
            depth += 1
            if depth > limit:
                return True
        elif first != 0x22:
            depth -= 1
    return False


def _check_json_body() -> None:
    if request.path.startswith("/sync/") or not request.is_json:
        return
    if depth_exceeds(request.get_data(cache=True)):
        abort(
            400,
            description=(
                f"请求体的 JSON 嵌套超过 {MAX_JSON_DEPTH} 层，请简化后重新提交。"
                f" The JSON body nests deeper than {MAX_JSON_DEPTH} levels; send a flatter one."
            ),
        )


def init_app(app: Flask) -> None:
    app.before_request(_check_json_body)
