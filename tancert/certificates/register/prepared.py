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

from django.db import connections

_MARK = "\x1etancert-param-{}\x1e"  # never a real value: numbers and codes are [0-9A-Z-] after normalising


class Prepared:
    """`build(*placeholders)` returns the queryset; `run(*values)` its instances for these values.

    Only exact-match parameters may be placeholders (a lookup that rewrites its value, such as `icontains`,
    would hide the placeholder; `prepare` refuses such a build)."""

    def __init__(self, build: Callable):
        self.build = build
        self._local = threading.local()  # one compiled form per thread: each thread has its own connection

    def _prepare(self, arity: int):
        marks = [_MARK.format(i) for i in range(arity)]
        qs = self.build(*marks)
        db = qs.db
        compiler = qs.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        slots = [marks.index(p) if p in marks else None for p in params]
        if sorted({s for s in slots if s is not None}) != list(range(arity)):
            raise ValueError("every placeholder must reach the SQL unchanged (exact lookups only)")
        klass = compiler.klass_info
        start, end = klass["select_fields"][0], klass["select_fields"][-1] + 1
        init_list = [f[0].target.attname for f in compiler.select[start:end]]
        converters = compiler.get_converters([s[0] for s in compiler.select[:compiler.col_count]])
        state = (connections[db], db, compiler, sql, params, slots, klass["model"], init_list, start, end, converters)
        self._local.state = state
        return state

    def run(self, *values) -> list:
        state = getattr(self._local, "state", None)
        if state is None or state[0] is not connections[state[1]]:
            state = self._prepare(len(values))
        conn, db, compiler, sql, params, slots, model, init_list, start, end, converters = state
        args = [p if s is None else values[s] for p, s in zip(params, slots, strict=True)]
        with conn.cursor() as cur:
            cur.execute(sql, args)
            rows = cur.fetchall()
        if converters:
            rows = compiler.apply_converters(map(list, rows), converters)
        return [model.from_db(db, init_list, row[start:end]) for row in rows]
