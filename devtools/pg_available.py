"""Exit 0 when the PostgreSQL at the given URL answers, 1 otherwise (used by `make test`)."""

from __future__ import annotations

import sys

from sqlalchemy import create_engine, text


def main(url: str) -> int:
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means: not available
        print(f"PostgreSQL not available: {type(exc).__name__}: {exc}".splitlines()[0])
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
