"""``python -m sync``: the sync worker, its own process (never inside the web app).

It never exits on a transient error: a pass whose database or CouchDB calls failed is logged
and the next pass comes after a growing pause (the interval, doubled per failing pass, at most
``--max-backoff`` s). Anything else it cannot handle is logged with its traceback and ends the
process with status 1, for the run command's supervisor (devtools/supervise.py) to restart.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time

from sqlalchemy.exc import SQLAlchemyError

from server.config import Settings
from server.db import make_engine, make_sessionmaker
from sync.couch import CouchClient, CouchError
from sync.media_sink import media_store
from sync.worker import HEARTBEAT_EVERY, PassReport, Worker

log = logging.getLogger("sync")


def pause_after(failures: int, interval: float, ceiling: float) -> float:
    """Seconds to wait before the next pass: the interval, or a growing back-off while passes
    keep failing (``failures`` in a row)."""
    if failures == 0:
        return interval
    return min(ceiling, max(interval, 1.0) * 2 ** min(failures - 1, 16))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sync", description=__doc__)
    parser.add_argument(
        "--once", action="store_true", help="work until nothing is left to do, then exit"
    )
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between passes")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--max-attempts", type=int, default=5)
    parser.add_argument("--max-backoff", type=float, default=60.0)
    parser.add_argument("--name", default="worker", help="this worker's heartbeat name")
    parser.add_argument("--heartbeat", type=float, default=HEARTBEAT_EVERY, help="seconds")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = Settings.from_env()
    engine = make_engine(settings.database_url, pool_pre_ping=True)
    couch = CouchClient(settings.couchdb_url)
    worker = Worker(
        make_sessionmaker(engine),
        couch,
        media_store(settings.media_root),
        batch_size=args.batch_size,
        max_attempts=args.max_attempts,
        name=args.name,
        heartbeat_every=args.heartbeat,
    )
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    failures = 0
    try:
        while True:
            report: PassReport | None = None
            try:
                report = worker.run_once()
            except (SQLAlchemyError, CouchError) as exc:  # outside any one database's batch
                log.warning("pass failed, retried after a pause: %s", exc)
            failed = report is None or bool(report.database_errors or report.interrupted)
            if report is not None and (
                report.processed or report.pushed or report.quarantined or failed
            ):
                log.info("%s", report)
            failures = failures + 1 if failed else 0
            if stopping:
                return 0
            if args.once and not failed:
                if report and (report.processed or report.pushed or report.feedback_written):
                    continue  # more may be waiting: drain it before exiting
                return 0
            if args.once and failures >= 3:
                return 1
            pause = pause_after(failures, args.interval, args.max_backoff)
            if failures:
                log.warning("%d failing pass(es) in a row; next in %.0f s", failures, pause)
            deadline = time.monotonic() + pause
            while time.monotonic() < deadline:
                if stopping:
                    return 0
                time.sleep(0.1)
    except Exception:
        log.exception("the sync worker stops on an error it cannot handle")
        return 1
    finally:
        worker.close()
        couch.close()
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
