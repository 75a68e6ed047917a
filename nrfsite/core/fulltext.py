# ruff: noqa: S608, S611 - the SQL is built from model metadata (quoted names), and every value is a parameter
"""Full-text indexes kept by the database itself: FTS5 on SQLite, a GIN index of a tsvector on PostgreSQL.

An app registers a table and its text columns (`register(Event, ["title", "summary"])`); `search()` then
narrows a queryset to the rows whose text has every word of a query as a word or the start of one. The
database keeps the index on every write, whatever wrote it (the admin, an import's bulk writes, a restore,
a raw SQL fix): on SQLite triggers fill an FTS5 table that reads its text from the indexed table itself
(external content, so the text is not stored twice); on PostgreSQL a trigger keeps a `tsvector` column of
the row's words (`fulltext_document`, which the models do not know of), and a GIN index is of that column.

Why a kept column on PostgreSQL, not an index of the expression: a search for a common word's start ("12"
matched 30,280 of a million events) is answered by walking the timeline's index and testing each event
until the page is full, and with only an expression index each test computed `to_tsvector` again: 60 ms of
the search page's 117 at a million events. The kept vector is read, not computed. It is a plain column
filled by a trigger rather than a generated column because PostgreSQL refuses to alter the type of a
column a generated column reads, which would make any later migration of a title or summary fail.

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
DOCUMENT = "fulltext_document"  # PostgreSQL: the kept column of a row's words
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
    def gin(self):  # PostgreSQL's index of the kept column
        return f"{self.table}_fulltext"

    @property
    def fill(self):  # PostgreSQL's trigger (and its function) that keeps the column
        return f"{self.table}_fulltext_fill"

    def document(self, row=""):
        """PostgreSQL: the words of a row, written once for the trigger, the first fill and the check.

        `row` qualifies the columns ("NEW." in the trigger)."""
        text = " || ' ' || ".join(f"coalesce({row}{_q(column)}, '')" for column in self.columns)
        return f"to_tsvector('simple'::regconfig, {text})"


def register(model, columns):
    """Index the text of `columns` (fields of `model` stored in its own table) for `search()`."""
    names = tuple(model._meta.get_field(column).column for column in columns)
    _registry[model._meta.label_lower] = FullTextIndex(model._meta.db_table, model._meta.pk.column, names)


def index_of(model):
    return _registry.get(model._meta.label_lower)


def words(query):
    """The words of a query, as the indexes split text (at most MAX_WORDS). Tatweel and Arabic-script
    diacritics are dropped first: they are decoration, and would split a word where they stand."""
    return re.findall(r"[^\W_]+", _UNDECORATE.sub("", query or ""), flags=re.UNICODE)[:MAX_WORDS]


# Arabic-script letters one word may be written with, depending on the keyboard: Arabic yeh and kaf where
# Dari and Pashto write Persian ones, hamza on an alef or not, a final teh marbuta for heh; and digits in
# three scripts. A query word matches each spelling (`spellings`); the text is indexed as written.
_UNDECORATE = re.compile("[\u0640\u064b-\u065f\u0670]")  # tatweel; harakat, shadda, sukun, superscript alef
_PERSIAN = str.maketrans("يىك", "ییک")
_ARABIC = str.maketrans("یک", "يك")
_BARE_ALEF = str.maketrans("أإآٱ", "اااا")
_ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_PERSIAN_DIGITS = str.maketrans("0123456789٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹۰۱۲۳۴۵۶۷۸۹")


def spellings(term):
    """The spellings a query word stands for, itself first: "كابل" is also "کابل"; "پنجشير" also "پنجشیر";
    "أحمد" also "احمد"; a final "ة" also "ه" and back; "۲۰۲۱" also "2021". At most 24, whatever the word."""
    forms = {term}
    forms |= {form.translate(table) for form in list(forms) for table in (_PERSIAN, _ARABIC)}
    forms |= {form.translate(_BARE_ALEF) for form in list(forms)}
    forms |= {form[:-1] + {"ة": "ه", "ه": "ة"}[form[-1]] for form in list(forms) if form[-1:] in ("ة", "ه")}
    forms |= {form.translate(table) for form in list(forms) for table in (_ASCII_DIGITS, _PERSIAN_DIGITS)}
    return [term, *sorted(forms - {term})]


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
        sql = f"SELECT {_q(index.pk)} FROM {_q(index.table)} WHERE {_q(DOCUMENT)} @@ to_tsquery('simple'::regconfig, %s)"
        return Q(pk__in=RawSQL(sql, [_tsquery(terms)]))
    # FTS5: each spelling a quoted string (no operator can hide in it) with * for "starts with"; the
    # spellings of a word are OR'ed, the words AND'ed (explicitly: FTS5 ANDs only bare phrases implicitly).
    sql = f"SELECT rowid FROM {_q(index.fts)} WHERE {_q(index.fts)} MATCH %s"
    match = " AND ".join("(" + " OR ".join(f'"{form}"*' for form in spellings(term)) + ")" for term in terms)
    return Q(pk__in=RawSQL(sql, [match]))


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
        pattern = _word_start(term)
        any_field = Q()
        for field in fields:
            match = Q(**{f"{field}__iregex": pattern})
            if term.isascii() and len(spellings(term)) == 1:
                # SQLite's LIKE folds ASCII case in C; it runs first, so the regular expression (a Python
                # call per row) only sees rows that contain the word at all. Non-ASCII terms skip it: LIKE
                # does not fold their case (nor the Kelvin sign's and long s's into k and s, which we accept).
                match = Q(**{f"{field}__icontains": term}) & match
            any_field |= match
        every_word &= any_field
    return queryset.filter(pk__in=queryset.model._default_manager.filter(every_word).values("pk"))


def _word_start(term):
    """A regular expression of `term`, in any of its spellings, at the start of a word."""
    return r"(^|[\W_])(" + "|".join(re.escape(form) for form in spellings(term)) + ")"


def matches(text, query):
    """Whether `text` has every word of `query` as a word or a word's start, in any of its spellings: the
    search's rule, for text read in Python (a section's words without its markers and Markdown)."""
    terms = words(query)
    text = _UNDECORATE.sub("", text)
    return bool(terms) and all(re.search(_word_start(term), text, re.IGNORECASE) for term in terms)


def _tsquery(terms):
    """PostgreSQL's query of every term as a word's start, in each of its spellings: "panj:* & (كابل:* | کابل:*)"."""
    return " & ".join("(" + " | ".join(f"{form.lower()}:*" for form in spellings(term)) + ")" for term in terms)


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


def _pg_state(cursor, index):
    """What PostgreSQL has of `index`: {"column", "index", "trigger"} as far as each exists and is current."""
    have = set()
    cursor.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s "
        "AND column_name = %s",
        [index.table, DOCUMENT],
    )
    if cursor.fetchone():
        have.add("column")
    # An index of the same name from before the kept column indexed the expression: that one is not current.
    cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s", [index.table, index.gin])
    row = cursor.fetchone()
    if row and f"({DOCUMENT})" in row[0]:
        have.add("index")
    elif row:
        have.add("old index")
    cursor.execute(
        "SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s AND NOT tgisinternal",
        [_q(index.table), index.fill],
    )
    if cursor.fetchone():
        have.add("trigger")
    return have


def _stale(index):
    """PostgreSQL: the rows whose kept words are not their text's."""
    return f"{_q(DOCUMENT)} IS DISTINCT FROM {index.document()}"


def _pg_ensure(cursor, index):
    table, fill, document = _q(index.table), _q(index.fill), _q(DOCUMENT)
    have = _pg_state(cursor, index)
    if "column" not in have:
        # No default: adding the column rewrites nothing; the UPDATE below fills it.
        cursor.execute(f"ALTER TABLE {table} ADD COLUMN {document} tsvector")
    # Made again after every migrate, so that it reads the columns as they now are.
    cursor.execute(
        f"CREATE OR REPLACE FUNCTION {fill}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN NEW.{document} := {index.document('NEW.')}; RETURN NEW; END $$"
    )
    if "trigger" not in have:
        cursor.execute(
            f"CREATE TRIGGER {fill} BEFORE INSERT OR UPDATE OF {_columns(index)} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {fill}()"
        )
    if not {"column", "trigger"} <= have:
        # Rows written while the trigger was missing (or before the column) get their words now.
        cursor.execute(
            f"UPDATE {table} SET {document} = {index.document()} WHERE {document} IS DISTINCT FROM {index.document()}"
        )
    if "old index" in have:
        cursor.execute(f"DROP INDEX {_q(index.gin)}")
    if "index" not in have:
        cursor.execute(f"CREATE INDEX {_q(index.gin)} ON {table} USING gin ({document})")
    if have != {"column", "trigger", "index"}:
        # The planner estimates how many rows match from the column's statistics, which only ANALYZE gathers:
        # without them it expected 2 % of 100,000 events and ignored the index.
        cursor.execute(f"ANALYZE {table}")


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
                _pg_ensure(cursor, index)
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
        have = _pg_state(cursor, index)
        problems = [
            f"{name}: missing"
            for part, name in (("column", DOCUMENT), ("trigger", index.fill), ("index", index.gin))
            if part not in have
        ]
        if "column" in have:
            cursor.execute(f"SELECT count(*) FROM {_q(index.table)} WHERE {_stale(index)}")
            (stale,) = cursor.fetchone()
            if stale:
                problems.append(f"{DOCUMENT}: {stale} rows whose words are out of date")
        return problems
