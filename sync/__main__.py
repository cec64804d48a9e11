"""``python -m sync``: the sync worker, its own process (never inside the web app)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time

from server.config import Settings
from server.db import make_engine, make_sessionmaker
from sync.couch import CouchClient
from sync.media_sink import media_store
from sync.worker import Worker

log = logging.getLogger("sync")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sync", description=__doc__)
    parser.add_argument(
        "--once", action="store_true", help="work until nothing is left to do, then exit"
    )
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between passes")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--max-attempts", type=int, default=5)
    args = parser.parse_args(argv)
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
    )
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while True:
            report = worker.run_once()
            if report.processed or report.pushed or report.quarantined or report.interrupted:
                log.info("%s", report)
            if stopping:
                return 0
            if args.once:
                if report.processed or report.pushed or report.feedback_written:
                    continue  # more may be waiting: drain it before exiting
                return 1 if report.interrupted else 0
            for _ in range(int(args.interval * 10)):
                if stopping:
                    return 0
                time.sleep(0.1)
    finally:
        worker.close()
        couch.close()
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
