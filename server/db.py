"""SQLAlchemy plumbing with no Flask in it: the declarative base, engines and sessions.

The web request scope and the sync worker's batch each open one session and commit once;
domain services receive that session and never commit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import orjson
from sqlalchemy import (
    DateTime,
    Engine,
    MetaData,
    Select,
    Table,
    Text,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError
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


# orjson refuses what the standard library would also refuse (dates, dataclasses, subclasses of
# dict/str, integers past 64 bits): those fall through to json.dumps, which decides as before.
_ORJSON = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
_ORJSON |= orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS


def _json_dumps(value: Any) -> str:
    # Compact, and UTF-8 rather than \u escapes: Chinese text is a third of the size and the
    # encoder does less work (JSON columns hold whole inspection documents). The same text
    # json.dumps gives, written by orjson several times faster (the sync worker's hot path).
    try:
        return orjson.dumps(value, option=_ORJSON).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# The execution option that says how a SQLite transaction begins. Unset, it begins IMMEDIATE
# (the write lock taken up front: the worker, the CLI, every request that writes); a request
# that only reads sets it to DEFERRED so readers stay concurrent. PostgreSQL ignores it.
BEGIN_OPTION = "sqlite_begin"
DEFERRED = "deferred"
# How long (ms) a SQLite transaction waits for the write lock before "database is locked".
WAIT_OPTION = "sqlite_wait_ms"
WAIT_MS = 30_000


def read_only(session: Session) -> None:
    """Declare that ``session`` will only read: on SQLite its transactions begin deferred."""
    session.execution_options = session.execution_options.union({BEGIN_OPTION: DEFERRED})


def impatient(session: Session, wait_ms: int) -> None:
    """Make ``session``'s transaction give up ("locked") rather than wait longer than
    ``wait_ms`` for a lock: SQLite's busy timeout, PostgreSQL's ``lock_timeout``. For writes
    that may be skipped (a cache), never for ones that must be kept. Call before first use."""
    session.execution_options = session.execution_options.union({WAIT_OPTION: wait_ms})
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL lock_timeout = {int(wait_ms)}"))


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys and real transactions (savepoints work)."""
    kwargs.setdefault("json_serializer", _json_dumps)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {}).setdefault("timeout", WAIT_MS / 1000)
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
        # A deferred BEGIN takes the write lock only at the first write, and SQLite answers a
        # busy upgrade at once (SQLITE_BUSY, "database is locked") rather than wait, to avoid
        # deadlock: the busy timeout never applies. So a transaction that may write takes the
        # lock up front and waits its turn; only transactions declared read-only start deferred.
        options = connection.get_execution_options()
        wait_ms = int(options.get(WAIT_OPTION, WAIT_MS))
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {wait_ms}")
        deferred = options.get(BEGIN_OPTION) == DEFERRED
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def make_sessionmaker(engine: Engine) -> sessionmaker[Any]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def paginate(
    session: Session, query: Select[T], *, offset: int, limit: int, order_by: Any
) -> tuple[list[T], int]:
    """One page of ``query`` in ``order_by`` order, and the total number of rows it matches."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.order_by(order_by).offset(offset).limit(limit)).unique()
    return list(rows), total


def insert_rows(
    session: Session, table: Table, rows: list[dict[str, Any]], *, raw: dict[str, str] | None = None
) -> None:
    """INSERT ``rows`` into ``table`` in the session's transaction: on PostgreSQL with one COPY
    (a statement per row, even pipelined, costs the server a parse-bind-execute each and the
    driver a dump each; COPY streams them), elsewhere as one executemany.

    Each row is a mapping of column keys; ``raw`` maps a column to the row key holding its value
    already as the column's text (e.g. canonical JSON that must be stored as it was hashed).
    Columns a row leaves out take their Python-side default, as an INSERT would give them.
    """
    if not rows:
        return
    raw = raw or {}
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql":
        statement = insert(table)
        if raw:
            statement = statement.values(
                {column: bindparam(key, type_=Text()) for column, key in raw.items()}
            )
        session.execute(statement, rows)
        return
    keys = {key for row in rows for key in row}
    names: list[str] = []
    readers: list[Callable[[dict[str, Any]], Any]] = []
    for column in table.columns:
        key = raw.get(column.key, column.key)
        processor = None if column.key in raw else column.type.bind_processor(dialect)
        if key in keys:
            read = _reader(key)
        elif column.default is not None and not column.primary_key:
            read = _default_reader(column.default)
        else:
            continue  # the database's own default (a sequence, a server default) or NULL
        names.append(f'"{column.name}"')
        readers.append(_processed(read, processor))
    copy_sql = f'COPY "{table.name}" ({", ".join(names)}) FROM STDIN'
    dbapi = dialect.loaded_dbapi
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row([read(row) for read in readers])
    except dbapi.Error as exc:  # as SQLAlchemy would raise it: callers catch SQLAlchemyError
        raise DBAPIError.instance(copy_sql, None, exc, dbapi.Error, dialect=dialect) from exc


def _reader(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row.get(key)


def _default_reader(default: Any) -> Callable[[dict[str, Any]], Any]:
    if default.is_callable:  # SQLAlchemy wraps a no-argument callable to take a context
        return lambda _row: default.arg(None)
    return lambda _row: default.arg


def _processed(
    read: Callable[[dict[str, Any]], Any], processor: Callable[[Any], Any] | None
) -> Callable[[dict[str, Any]], Any]:
    if processor is None:
        return read
    return lambda row: None if (value := read(row)) is None else processor(value)
