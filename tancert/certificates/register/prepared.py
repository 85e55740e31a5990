"""Queries of the public register compiled once, run many times (docs/performance.md, Public register).

Compiling a queryset to SQL — resolving the filter, the columns, the ordering, the converters — took about
half of a lookup's time in the process, for a statement that is the same every time except its parameter.
A `Prepared` query is built once per database connection from an ordinary queryset whose parameters are
placeholders; each run only substitutes the values, executes the SQL through the connection's cursor (so it
is counted, logged and wrapped like any query) and builds the model instances with Django's own converters
and `Model.from_db`, as the queryset would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import nullcontext
from functools import cache
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections

_MARK = "\x1etancert-param-{}\x1e"  # never a real value: numbers and codes are [0-9A-Z-] after normalising


class Like(NamedTuple):
    """A value that reached the SQL through `contains`/`icontains`: the pattern Django makes of it."""
    position: int  # of the value among the placeholders

    @staticmethod
    def pattern(conn, value: str) -> str:
        return f"%{conn.ops.prep_for_like_query(value)}%"  # as Django's Contains lookups (param_pattern "%%%s%%")


class Compiled(NamedTuple):
    connection: Any  # the connection it was compiled for: a new connection compiles again
    db: str
    sql: str
    params: list
    slots: list  # for each SQL parameter: the index of the value it takes (`Like` for a pattern), None for a constant
    compiler: Any = None  # None: a raw statement, whose rows are returned as they are
    model: Any = None
    init_list: list | None = None
    start: int = 0
    end: int = 0
    converters: dict | None = None
    on_server: bool = True  # prepared on the PostgreSQL server (see `Prepared`)
    annotations: dict | None = None  # attribute → column of each annotation, set on the instances as Django does

    def args(self, values: tuple) -> list:
        return [self._arg(param, slot, values) for param, slot in zip(self.params, self.slots, strict=True)]

    def _arg(self, param, slot, values: tuple):
        if slot is None:
            return param
        if isinstance(slot, Like):
            return slot.pattern(self.connection, values[slot.position])
        return values[slot]

    def instances(self, rows: list) -> list:
        if self.compiler is None:
            return rows
        if self.converters:
            rows = list(self.compiler.apply_converters(map(list, rows), self.converters))
        found = [self.model.from_db(self.db, self.init_list, row[self.start:self.end]) for row in rows]
        for instance, row in zip(found, rows, strict=True) if self.annotations else ():
            for attribute, column in self.annotations.items():
                setattr(instance, attribute, row[column])
        return found


class Prepared:
    """`build(*placeholders)` returns the queryset; `run(*values)` its instances for these values.

    A placeholder may reach the SQL unchanged (an exact match, a raw SQL parameter) or as the pattern of a
    `contains`/`icontains` lookup; a lookup that rewrites its value any other way would hide the placeholder
    (`_prepare` refuses such a build). On PostgreSQL the statement is also prepared on the server, unless
    `on_server` is False: a statement whose best plan depends on its values (a name pattern: an index for a rare
    fragment, the scan in number order for a common one) must not be left to a generic plan."""

    def __init__(self, build: Callable, *, on_server: bool = True):
        self.build = build
        self.on_server = on_server
        self._local = threading.local()  # one compiled form per thread: each thread has its own connection

    def _prepare(self, arity: int) -> Compiled:
        marks = [_MARK.format(i) for i in range(arity)]
        qs = self.build(*marks)
        db = qs.db
        compiler = qs.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        patterns = {Like.pattern(connections[db], mark): Like(i) for i, mark in enumerate(marks)}
        slots = [marks.index(p) if p in marks else patterns.get(p) if isinstance(p, str) else None for p in params]
        if sorted({s.position if isinstance(s, Like) else s for s in slots if s is not None}) != list(range(arity)):
            raise ValueError("every placeholder must reach the SQL unchanged or as a contains pattern")
        klass = compiler.klass_info
        start, end = klass["select_fields"][0], klass["select_fields"][-1] + 1
        self._local.state = Compiled(
            connections[db], db, sql, list(params), slots, compiler, klass["model"],
            [f[0].target.attname for f in compiler.select[start:end]], start, end,
            compiler.get_converters([s[0] for s in compiler.select[:compiler.col_count]]), self.on_server,
            dict(compiler.annotation_col_map or {}))
        return self._local.state

    def ready(self, arity: int) -> Compiled:
        """This thread's compiled form, compiled again when the thread's connection is a new one."""
        state = getattr(self._local, "state", None)
        if state is None or state.connection is not connections[state.db]:
            state = self._prepare(arity)
        return state

    def run(self, *values) -> list:
        return run_together((self, values))[0]


class Raw:
    """A statement of our own SQL (`%s` for the values, in order) whose rows are returned as tuples."""

    def __init__(self, sql: str, db: str = DEFAULT_DB_ALIAS):
        self.sql, self.db = sql, db

    def ready(self, arity: int) -> Compiled:
        return Compiled(connections[self.db], self.db, self.sql, [None] * arity, list(range(arity)))


def run_together(*calls: tuple[Prepared | Raw, tuple]) -> list[list]:
    """The instances (rows, for `Raw`) of each `(statement, values)`, in order. On PostgreSQL the statements go in
    one round trip (psycopg's pipeline mode: sent one after the other, executed by the server in that order, each
    with its own snapshot, the results read at the end); a page that needs five statements then waits for the
    database once, not five times (docs/performance.md, Public register). Elsewhere they run one after the other."""
    states = [statement.ready(len(values)) for statement, values in calls]
    conn = states[0].connection
    conn.ensure_connection()
    postgres = conn.vendor == "postgresql"
    pipelined = len(calls) > 1 and postgres
    cursors, rows = [], []
    try:
        with conn.connection.pipeline() if pipelined else nullcontext():
            for state, (_, values) in zip(states, calls, strict=True):
                cursors.append(cur := _preparing_cursor(conn) if postgres and state.on_server else conn.cursor())
                cur.execute(state.sql, state.args(values))
                if not pipelined:
                    rows.append(cur.fetchall())
        if pipelined:  # the pipeline's end waited for every result
            rows = [cur.fetchall() for cur in cursors]
    finally:
        for cur in cursors:
            cur.close()
    return [state.instances(found) for state, found in zip(states, rows, strict=True)]


# psycopg prepares a statement on the server only when asked (`prepare=True`), never by counting executions: the
# rest of the application keeps Django's client-side binding, which never prepares (docs/deployment.md).
ONLY_WHEN_ASKED = 2**31


@cache
def _preparing_cursor_class():
    # Imported here: psycopg is loaded only where PostgreSQL is used.
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


def _preparing_cursor(conn):
    """A cursor (wrapped as Django wraps its own: counted, logged) that binds on the server and prepares each
    statement once per connection. Planning a register statement cost PostgreSQL more than running it
    (0.1–0.3 ms against 0.01–0.09 ms); prepared, the four statements of a certificate's page took 0.56 ms instead
    of 1.27 (docs/performance.md, Public register)."""
    raw = conn.connection
    if raw.prepare_threshold is None:  # Django's default: nothing prepared
        raw.prepare_threshold = ONLY_WHEN_ASKED
    cursor = _preparing_cursor_class()(raw)
    return conn.make_debug_cursor(cursor) if conn.queries_logged else conn.make_cursor(cursor)
