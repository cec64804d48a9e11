"""How the web app is served: `make run`, the benchmarks and production use this file.

    gunicorn -c gunicorn.conf.py --bind 127.0.0.1:5000 wsgi:app

(gunicorn also reads it by itself when started from the repository's directory.)

Threads, not processes, carry the load: a tablet's live sync holds a long-poll ``_changes`` open
for up to 25 s, and a request waiting on CouchDB or on a slow network costs a thread, not a
process. Each process keeps ``API_RESERVE`` threads that long-polls may never take (the gateway
caps them per process, per inspector and per host; server/gateway/longpoll.py), so held sync
connections cannot starve the API. Slow clients are bounded: a connection that sends nothing for
5 s waits outside the thread pool, and one that stalls mid-request is dropped after 15 s of
silence (server/serving.py).

In production put a TLS proxy in front (it buffers slow clients too) and size WEB_WORKERS to the
cores; WEB_THREADS per worker stays well above the long-poll cap.
"""

import os

workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "48"))
worker_class = "server.serving.ThreadWorker"
API_RESERVE = 16


def _longpolls_per_process(thread_count: int) -> str:
    """How many long-polls one process may hold: its threads less the API's reserve (at least
    half of them when there are few)."""
    return str(max(thread_count - min(API_RESERVE, thread_count // 2), 1))


# Read by the gateway when a worker loads the app; post_fork corrects it when the command line
# overrides the thread count.
os.environ.setdefault("GATEWAY_LONGPOLLS_PER_PROCESS", _longpolls_per_process(threads))


def post_fork(server, worker):
    os.environ["GATEWAY_LONGPOLLS_PER_PROCESS"] = _longpolls_per_process(server.cfg.threads)


timeout = 60  # the worker's heartbeat; threads do not block it
graceful_timeout = 30
keepalive = 5
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
