"""ORM queries of a fixed shape, turned into SQL once per process instead of on every request.

Django builds a query's SQL anew each time a queryset runs: resolving lookups, choosing
columns and, for an ordered query, hashing every selected column. For a wide row (a
register entry has about seventy columns, most of them in three languages) that costs
more CPU than PostgreSQL needs to answer it. The public pages run the same few queries
for every visitor with only a code or an id changing, so :class:`PreparedQuery` builds the
queryset once with stand-in values, keeps the SQL Django wrote for it and, on each call,
swaps the real values in and turns the rows into model instances as Django's own
iterator does (``select_related`` objects included).

Only the SQL text is kept: the rows are read from the database on every call, so nothing
is cached across requests. Queries still go through Django's cursor (query logging,
execute wrappers such as the public cache's write watch).

Limits, checked where they can be:

* every parameter is one ``int`` or ``str`` that reaches the SQL as itself (an
  equality, a comparison); a lookup that rewrites the value (``icontains`` adds ``%``)
  is refused when the query is first built, and a list (``__in``) cannot be one;
* no ``prefetch_related`` (run a second prepared query and attach the rows), no
  ``values()`` or annotations;
* the queryset may depend on the active language and the city's languages (an
  ``order_text`` ordering): the SQL is kept per language order and database vendor;
* on PostgreSQL the statement is prepared (:func:`prepared_cursor`), so the server plans
  it once per connection too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

from .translation import fallback_order

M = TypeVar("M", bound=Model)

#: Stand-ins put where a parameter goes while the SQL is built; never sent to the database.
_INT_STAND_IN = -987_654_321_000
_STR_STAND_IN = "\x00prepared-parameter-{}\x00"


#: Django's own (its type stubs describe a later signature).
_related_populators: Any = get_related_populators


@dataclass(frozen=True)
class _Compiled:
    model: type[Model]
    sql: str
    params: tuple[Any, ...]
    #: For each parameter name, the positions in ``params`` where its value goes.
    slots: tuple[tuple[str, tuple[int, ...]], ...]
    col_count: int
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]
    fields_start: int
    fields_end: int
    init_list: tuple[str, ...]
    populators: tuple[Any, ...]


def _preparing_cursor_class() -> Any:
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        """Binds on the server and asks it to prepare every statement it runs."""

        def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
            return super().execute(query, params, prepare=True, binary=options.get("binary"))

    return PreparingCursor


def may_prepare(connection: Any) -> bool:
    """Whether PostgreSQL may keep prepared statements on ``connection``.

    Off on SQLite, and behind a pooler in transaction mode (PgBouncer), whose server
    connections change between transactions (``CITYRIGHTS_DB_PREPARED_STATEMENTS=false``
    leaves ``prepare_threshold`` out of the connection's options). Code that prepares a
    statement itself (``execute(..., prepare=True)``, libpq's ``PQprepare``) asks here."""
    return (
        connection.vendor == "postgresql"
        and "prepare_threshold" in connection.settings_dict["OPTIONS"]
    )


def prepared_cursor(connection: Any) -> Any:
    """A Django cursor (execute wrappers) whose statements PostgreSQL plans once per
    connection instead of on every call.

    The settings turn psycopg's automatic preparation off for the ORM and ask for it where
    a statement's text is fixed (``CITYRIGHTS_DB_PREPARED_STATEMENTS``; off behind a pooler
    that cannot keep prepared statements). Elsewhere, on SQLite, and while queries are
    logged (their SQL with its values), Django's own cursor.
    The setup follows Django's ``_cursor()`` and ``create_cursor()`` for PostgreSQL: health
    check, connection, time zone of the loaded timestamps.
    """
    if (
        not may_prepare(connection)
        # A query log (DEBUG, CaptureQueriesContext) shows the SQL with its values, which
        # psycopg does not keep for a prepared statement: Django's cursor then.
        or connection.queries_logged
    ):
        return connection.cursor()
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    global _PREPARING_CURSOR
    if _PREPARING_CURSOR is None:
        _PREPARING_CURSOR = _preparing_cursor_class()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = _PREPARING_CURSOR(connection.connection)
        tzloader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != tzloader.timezone:
            register_tzloader(connection.timezone, raw)
        return connection._prepare_cursor(raw)


_PREPARING_CURSOR: Any = None


def stand_in_slots(
    params: Any, stand_ins: dict[str, Any]
) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """For each parameter, the positions of its stand-in among the compiled parameters;
    ``ImproperlyConfigured`` when one does not reach the SQL as itself."""
    slots = []
    for name, stand_in in stand_ins.items():
        positions = tuple(
            i for i, p in enumerate(params) if type(p) is type(stand_in) and p == stand_in
        )
        if not positions:
            raise ImproperlyConfigured(
                f"Parameter {name!r} does not reach the SQL as itself; "
                "this query cannot be prepared."
            )
        slots.append((name, positions))
    return tuple(slots)


class PreparedQuery(Generic[M]):
    """A queryset built by ``build(**parameters)`` whose SQL is written once, then reused.

    ``kinds`` names each parameter and its type (``int`` or ``str``)::

        BY_CODE = PreparedQuery(
            lambda code: Entry.objects.select_related("department").filter(code=code),
            code=str,
        )
        entries = BY_CODE(code="ab12cd")  # a list of Entry, department loaded
        BY_CODE.count(code="ab12cd")  # as .count()
    """

    def __init__(self, build: Callable[..., QuerySet[M]], **kinds: type) -> None:
        for name, kind in kinds.items():
            if kind not in (int, str):
                raise ImproperlyConfigured(f"Parameter {name!r}: only int and str are supported.")
        self._build = build
        self._kinds = kinds
        #: Per database vendor and language order (``order_text`` orderings depend on it).
        self._compiled: dict[tuple[str, tuple[str, ...]], _Compiled] = {}
        self._counts: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[Any, ...], Any]] = {}

    def _stand_ins(self) -> dict[str, Any]:
        return {
            name: _INT_STAND_IN - i if kind is int else _STR_STAND_IN.format(i)
            for i, (name, kind) in enumerate(self._kinds.items())
        }

    def _compile(self) -> _Compiled:
        stand_ins = self._stand_ins()
        queryset: Any = self._build(**stand_ins)  # private attributes are read below
        query = queryset.query
        if queryset._prefetch_related_lookups or query.annotations or query.values_select:
            raise ImproperlyConfigured(
                "A prepared query makes model instances only: no prefetch, values or annotations."
            )
        if queryset.db != DEFAULT_DB_ALIAS:
            raise ImproperlyConfigured("A prepared query runs on the default database only.")
        compiler = query.get_compiler(using=DEFAULT_DB_ALIAS)
        sql, params = compiler.as_sql()
        slots = stand_in_slots(params, stand_ins)
        select = compiler.select
        fields = [s[0] for s in select[: compiler.col_count]]
        converters = tuple(
            (pos, tuple(convs), expression)
            for pos, (convs, expression) in compiler.get_converters(fields).items()
        )
        klass_info = compiler.klass_info
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return _Compiled(
            model=klass_info["model"],
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            col_count=compiler.col_count,
            converters=converters,
            fields_start=start,
            fields_end=end,
            init_list=tuple(f[0].target.attname for f in select[start:end]),
            populators=tuple(_related_populators(klass_info, select, DEFAULT_DB_ALIAS)),
        )

    def _params(
        self, template: tuple[Any, ...], slots: tuple[tuple[str, tuple[int, ...]], ...], values: Any
    ) -> list[Any]:
        params = list(template)
        for name, positions in slots:
            value = self._kinds[name](values[name])
            for position in positions:
                params[position] = value
        return params

    def count(self, **values: Any) -> int:
        """As ``build(**values).count()``, with the SQL written once as well."""
        connection = connections[DEFAULT_DB_ALIAS]
        key = (connection.vendor, fallback_order())
        counted = self._counts.get(key)
        if counted is None:
            stand_ins = self._stand_ins()
            queryset: Any = self._build(**stand_ins)
            if queryset.db != DEFAULT_DB_ALIAS:
                raise ImproperlyConfigured("A prepared query runs on the default database only.")
            inner = queryset.prefetch_related(None).order_by().values("pk").query
            sql, params = inner.get_compiler(using=DEFAULT_DB_ALIAS).as_sql()
            counted = self._counts[key] = (
                f"SELECT COUNT(*) FROM ({sql}) prepared_count",  # noqa: S608 (Django's SQL)
                tuple(params),
                stand_in_slots(params, stand_ins),
            )
        sql, template, slots = counted
        with prepared_cursor(connection) as cursor:
            cursor.execute(sql, self._params(template, slots, values))
            return int(cursor.fetchone()[0])

    def __call__(self, **values: Any) -> list[M]:
        connection = connections[DEFAULT_DB_ALIAS]
        key = (connection.vendor, fallback_order())
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile()
        params = self._params(compiled.params, compiled.slots, values)
        with prepared_cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            converted = []
            for row in rows:
                row = list(row)
                for pos, convs, expression in compiled.converters:
                    value = row[pos]
                    for converter in convs:
                        value = converter(value, expression, connection)
                    row[pos] = value
                converted.append(row)
            rows = converted
        model = compiled.model
        start, end, init_list = compiled.fields_start, compiled.fields_end, compiled.init_list
        objects: list[M] = []
        for row in rows:
            obj: Any = model.from_db(DEFAULT_DB_ALIAS, init_list, tuple(row[start:end]))
            for populator in compiled.populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects
