"""SQLAlchemy plumbing with no Flask in it: the declarative base, engines and sessions.

The web request scope and the sync worker's batch each open one session and commit once;
domain services receive that session and never commit.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, ClassVar, TypeVar

from sqlalchemy import DateTime, Engine, MetaData, Select, create_engine, event, func, select
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone, PostgreSQL's ``timestamptz`` does; this makes both behave alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a timezone")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime()}


def _json_dumps(value: Any) -> str:
    # Compact, and UTF-8 rather than \u escapes: Chinese text is a third of the size and the
    # encoder does less work (JSON columns hold whole inspection documents).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys and real transactions (savepoints work)."""
    kwargs.setdefault("json_serializer", _json_dumps)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {}).setdefault("timeout", 30)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _sqlite_transactions(engine)
    return engine


def _sqlite_transactions(engine: Engine) -> None:
    # pysqlite opens transactions lazily and breaks SAVEPOINT; take over BEGIN ourselves.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL is SQLite's recommended durability: the database stays consistent
        # after a crash and only the last commits can be lost to a power failure (the embedded
        # default is for one machine; production runs PostgreSQL).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


def make_sessionmaker(engine: Engine) -> sessionmaker[Any]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def paginate(
    session: Session, query: Select[T], *, offset: int, limit: int, order_by: Any
) -> tuple[list[T], int]:
    """One page of ``query`` in ``order_by`` order, and the total number of rows it matches."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.order_by(order_by).offset(offset).limit(limit)).unique()
    return list(rows), total
