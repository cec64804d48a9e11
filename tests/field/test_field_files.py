"""The field app's files: every file of the shell answers without a token, the service worker
caches exactly them, PouchDB is the pinned npm build, and nothing comes from the internet."""

from __future__ import annotations

import json
import re

from server.config import PROJECT_ROOT
from server.field.routes import POUCHDB_DIR, POUCHDB_VERSION, STATIC_DIR, shell_urls

EXTERNAL = re.compile(r"""(?:src|href)=["']?(?:https?:)?//|(?:import|from)\s+["']https?:""")


def test_every_shell_file_answers_without_a_token(client) -> None:
    for url in shell_urls():
        with client.get(url) as answer:
            assert answer.status_code == 200, url
            assert "no-store" not in (answer.headers.get("Cache-Control") or ""), url
            assert answer.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_the_service_worker_caches_the_whole_shell(client) -> None:
    worker = client.get("/field/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    listed = json.loads(re.search(r"const SHELL = (\[.*?\]);", worker.text).group(1))
    assert listed == shell_urls()
    served = {f"/field/static/{p.name}" for p in STATIC_DIR.iterdir() if p.is_file()}
    assert served <= set(listed), "a static file the service worker would not cache offline"
    version = re.search(r"const CACHE = 'field-shell-([0-9a-f]{16})'", worker.text).group(1)
    assert f'content="{version}"' in client.get("/field/").text


def test_pouchdb_is_the_pinned_npm_build(client) -> None:
    package = json.loads((PROJECT_ROOT / "package.json").read_text())
    assert package["dependencies"]["pouchdb"] == POUCHDB_VERSION
    installed = json.loads((POUCHDB_DIR / "package.json").read_text())
    assert installed["version"] == POUCHDB_VERSION
    with client.get("/field/vendor/pouchdb.min.js") as served:
        assert served.data == (POUCHDB_DIR / "dist" / "pouchdb.min.js").read_bytes()


def test_nothing_is_loaded_from_the_internet_and_no_script_is_inline(client) -> None:
    page = client.get("/field/").text
    assert not EXTERNAL.search(page)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "an inline script breaks the CSP"
    assert "style=" not in page
    for path in STATIC_DIR.iterdir():
        assert not EXTERNAL.search(path.read_text()), path.name
    manifest = client.get("/field/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    body = manifest.get_json(force=True)
    assert body["start_url"] == "/field/" and body["scope"] == "/field/"
    assert body["lang"] == "zh-CN"
