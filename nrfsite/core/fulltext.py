# ruff: noqa: S608, S611 - the SQL is built from model metadata (quoted names), and every value is a parameter
"""Full-text indexes kept by the database itself: FTS5 on SQLite, a GIN index of a tsvector on PostgreSQL.

An app registers a table and its text columns (`register(Event, ["title", "summary"])`); `search()` then
narrows a queryset to the rows whose text has every word of a query as a word or the start of one. The
database keeps the index on every write, whatever wrote it (the admin, an import's bulk writes, a restore,
a raw SQL fix): on SQLite triggers fill an FTS5 table that reads its text from the indexed table itself
(external content, so the text is not stored twice); on PostgreSQL the index is of an expression, so there
is nothing to keep at all.

The indexes are made after every `migrate` (`ensure()`, from the post_migrate signal), not in a migration:
SQLite's schema editor remakes a table to alter it, and dropping the old table drops its triggers; after
each migrate the missing triggers are made again and the index rebuilt from the table, so a later
migration cannot leave it behind. `check()` says whether an index agrees with its table.

Both engines fold case and split words the same way for letters of every script (a word is a run of
letters and digits); neither stems, so names match as they are written.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import DatabaseError, connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

MAX_WORDS = 8
_registry = {}


@dataclass(frozen=True)
class FullTextIndex:
    table: str
    pk: str
    columns: tuple

    @property
    def fts(self):  # SQLite's FTS5 table
        return f"{self.table}_fts"

    @property
    def gin(self):  # PostgreSQL's index
        return f"{self.table}_fulltext"

    def document(self):
        """PostgreSQL: the indexed expression, written once for the index and for every query that uses it."""
        text = " || ' ' || ".join(f"coalesce({_q(column)}, '')" for column in self.columns)
        return f"to_tsvector('simple'::regconfig, {text})"


def register(model, columns):
    """Index the text of `columns` (fields of `model` stored in its own table) for `search()`."""
    names = tuple(model._meta.get_field(column).column for column in columns)
    _registry[model._meta.label_lower] = FullTextIndex(model._meta.db_table, model._meta.pk.column, names)


def index_of(model):
    return _registry.get(model._meta.label_lower)


def words(query):
    """The words of a query, as the indexes split text (at most MAX_WORDS)."""
    return re.findall(r"[^\W_]+", query or "", flags=re.UNICODE)[:MAX_WORDS]


def condition(model, query):
    """A Q of the `model` rows whose indexed text has each word of `query` as a word or a word's start;
    None when the query has no word."""
    index = index_of(model)
    if index is None:
        raise LookupError(f"No full-text index is registered for {model._meta.label}.")
    terms = words(query)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        sql = f"SELECT {_q(index.pk)} FROM {_q(index.table)} WHERE {index.document()} @@ to_tsquery('simple'::regconfig, %s)"
        return Q(pk__in=RawSQL(sql, [_tsquery(terms)]))
    # FTS5: each term a quoted string (no operator can hide in it) with * for "starts with"; space is AND.
    sql = f"SELECT rowid FROM {_q(index.fts)} WHERE {_q(index.fts)} MATCH %s"
    return Q(pk__in=RawSQL(sql, [" ".join(f'"{term}"*' for term in terms)]))


def search(queryset, fields, query):
    """`queryset` narrowed to rows with every word of `query` starting a word of `fields` (in any script).

    A model with a full-text index is searched through it (its fields are the index's). Others, tables of
    hundreds of rows (entities with their aliases, sources), are searched here: on PostgreSQL by its
    full-text search without an index (`simple` configuration), elsewhere by a regular expression doing
    the same word-start match, so both engines give the same results. `fields` may span relations.
    """
    if index_of(queryset.model):
        found = condition(queryset.model, query)
        return queryset.none() if found is None else queryset.filter(found)
    terms = words(query)
    if not terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        # One vector per joined row (an entity has several aliases): match any of them, return each row once.
        matching = (
            queryset.model._default_manager.annotate(search_vector=SearchVector(*fields, config="simple"))
            .filter(search_vector=SearchQuery(_tsquery(terms), search_type="raw", config="simple"))
            .values("pk")
        )
        return queryset.filter(pk__in=matching)
    every_word = Q()
    for term in terms:
        pattern = r"(^|[\W_])" + re.escape(term)
        any_field = Q()
        for field in fields:
            match = Q(**{f"{field}__iregex": pattern})
            if term.isascii():
                # SQLite's LIKE folds ASCII case in C; it runs first, so the regular expression (a Python
                # call per row) only sees rows that contain the word at all. Non-ASCII terms skip it: LIKE
                # does not fold their case (nor the Kelvin sign's and long s's into k and s, which we accept).
                match = Q(**{f"{field}__icontains": term}) & match
            any_field |= match
        every_word &= any_field
    return queryset.filter(pk__in=queryset.model._default_manager.filter(every_word).values("pk"))


def _tsquery(terms):
    """PostgreSQL's query of every term as a word's start: "panj:* & nrf:*"."""
    return " & ".join(f"{term.lower()}:*" for term in terms)


def _q(name):
    return connection.ops.quote_name(name)


# Making and checking the indexes


def _columns(index):
    return ", ".join(_q(c) for c in index.columns)


def _sqlite_triggers(index):
    """{trigger name: CREATE TRIGGER} that keep an external-content FTS5 table in step with its table."""
    t, fts, pk, cols = _q(index.table), _q(index.fts), _q(index.pk), _columns(index)
    new = ", ".join(f"new.{_q(c)}" for c in index.columns)
    old = ", ".join(f"old.{_q(c)}" for c in index.columns)
    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.{pk}, {old});"
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.{pk}, {new});"
    bodies = {"insert": ("INSERT", insert), "delete": ("DELETE", delete), "update": (f"UPDATE OF {cols}", delete + insert)}
    return {
        f"{index.fts}_{name}": f"CREATE TRIGGER {_q(f'{index.fts}_{name}')} AFTER {event} ON {t} BEGIN {body} END"
        for name, (event, body) in bodies.items()
    }


def _pg_index_exists(cursor, index):
    cursor.execute("SELECT 1 FROM pg_indexes WHERE tablename = %s AND indexname = %s", [index.table, index.gin])
    return cursor.fetchone() is not None


def ensure(using=None):
    """Make every registered index that is missing (and, on SQLite, rebuild one whose triggers were lost)."""
    from django.db import connections

    conn = connections[using] if using else connection
    tables = set(conn.introspection.table_names())
    with conn.cursor() as cursor:
        for index in _registry.values():
            if index.table not in tables:
                continue  # migrated back to before the table
            if conn.vendor == "postgresql":
                if not _pg_index_exists(cursor, index):
                    cursor.execute(f"CREATE INDEX {_q(index.gin)} ON {_q(index.table)} USING gin (({index.document()}))")
                    # The planner estimates how many rows match from the expression's statistics, which only
                    # ANALYZE gathers: without them it expected 2 % of 100,000 events and ignored the index.
                    cursor.execute(f"ANALYZE {_q(index.table)}")
            elif conn.vendor == "sqlite":
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {_q(index.fts)} USING fts5({_columns(index)}, "
                    f"content={_q(index.table)}, content_rowid={_q(index.pk)}, "
                    "tokenize='unicode61 remove_diacritics 0', prefix='2 3')"
                )
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [index.table])
                have = {name for (name,) in cursor.fetchall()}
                wanted = _sqlite_triggers(index)
                if set(wanted) - have:
                    for name, sql in wanted.items():
                        cursor.execute(f"DROP TRIGGER IF EXISTS {_q(name)}")
                        cursor.execute(sql)
                    cursor.execute(f"INSERT INTO {_q(index.fts)}({_q(index.fts)}) VALUES ('rebuild')")


def check(model):
    """[] when the model's index agrees with its table; otherwise what is wrong."""
    index = index_of(model)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            try:
                # rank 1: also compare the index with the table it reads (FTS5's own check)
                cursor.execute(f"INSERT INTO {_q(index.fts)}({_q(index.fts)}, rank) VALUES ('integrity-check', 1)")
            except DatabaseError as error:
                return [f"{index.fts}: {error}"]
        return []
    with connection.cursor() as cursor:
        return [] if _pg_index_exists(cursor, index) else [f"{index.gin}: missing"]
