# ruff: noqa: S608, S611 - the SQL is built from model metadata (quoted names) and FOLDS, and every value is a parameter
"""Full-text indexes kept by the database itself: FTS5 on SQLite, a GIN index of a tsvector on PostgreSQL.

An app registers a table and its text columns (`register(Event, ["title", "summary"])`); `search()` then
narrows a queryset to the rows whose text has every word of a query as a word or the start of one. The
database keeps the index on every write, whatever wrote it (the admin, an import's bulk writes, a restore,
a raw SQL fix): on SQLite triggers fill an FTS5 table that reads its text from a view of the indexed table
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
migration cannot leave it behind. For the same reason the view the FTS5 table reads is dropped before each
migrate (SQLite refuses to rename the remade table into place while a view names the dropped one) and made
again after it. An index made by an older version of this module (another fold, or none) is made again.
`check()` says whether an index agrees with its table.

Both engines fold case and split words the same way for letters of every script (a word is a run of
letters and digits); neither stems, so names match as they are written. Both index the text folded
(`FOLDS`: Arabic yeh and kaf as Persian ones, hamza seats as bare letters, digits as ASCII, tatweel,
diacritics and the zero-width non-joiner dropped), computed in SQL from the one table below (replace()
nested in layers of subqueries on SQLite, translate() on PostgreSQL); a query is folded by the same table in Python, so "كابل"
finds "کابل", "مسؤول" finds "مسوول", and "کـابُل" and "کتاب‌ها" are found by "کابل" and "کتابها". A query
may also carry other spellings of its Latin words ("Masood" for "Massoud", `Query.parse` with names and
`transliteration`), searched as alternatives of the word.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import DatabaseError, connection, connections
from django.db.models import BooleanField, F, Func, Q, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.signals import pre_migrate

from nrfsite.core import numerals, transliteration

MAX_WORDS = 8
DOCUMENT = "fulltext_document"  # PostgreSQL: the kept column of a row's words
_registry = {}

# What folds to what, in stored text and queries alike ("" drops the character). The letters one word may be
# written with, depending on the keyboard: Arabic yeh and kaf where Dari and Pashto write Persian ones, hamza
# on a seat or not (أ is ا with a hamza above, which is dropped as a diacritic when written apart), a final teh
# marbuta for heh; digits in three scripts. Then what only decorates a word and would split it where it
# stands: tatweel, the harakat, shadda, sukun and superscript alef, and the zero-width non-joiner (the word
# "کتاب‌ها" is "کتابها" with the join broken for the eye: folded it is one word, which "کتاب" starts).
FOLDS = {
    "ي": "ی",  # Arabic yeh
    "ى": "ی",  # alef maksura
    "ئ": "ی",  # yeh with hamza above
    "ك": "ک",  # Arabic kaf
    "ة": "ه",  # teh marbuta
    "ۀ": "ه",  # heh with yeh above (the ezafe)
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
    **numerals.ASCII_OF,  # Persian and Arabic-Indic digits
    "\u0640": "",  # tatweel
    **{chr(mark): "" for mark in range(0x064B, 0x0660)},  # harakat, shadda, sukun, hamza and madda marks
    "\u0670": "",  # superscript alef
    "\u200c": "",  # zero-width non-joiner
}
_FOLD = str.maketrans(FOLDS)
_DROPPED = "".join(char for char, into in FOLDS.items() if not into)
_SAME = {}  # a folded character → every character that folds into it, itself first
for _char, _into in FOLDS.items():
    if _into:
        _SAME[_into] = _SAME.get(_into, _into) + _char


def fold(text):
    """`text` as the indexes read it: "كـتابُ‌ها ۲۰۲۱" → "کتابها 2021" (case is the engines' to fold)."""
    return text.translate(_FOLD)


def _translate_args():
    """PostgreSQL's translate() of FOLDS: the characters, and what they become (those past its end are dropped)."""
    kept = [(char, into) for char, into in FOLDS.items() if into]
    chars = "".join(char for char, _ in kept) + _DROPPED
    return chars, "".join(into for _, into in kept)


def _pg_fold(sql):
    chars, into = _translate_args()
    return f"translate({sql}, {_pg_literal(chars)}, {_pg_literal(into)})"


def _pg_literal(text):
    """A string constant of Unicode escapes: the SQL (in logs, in pg_proc) shows no invisible marks."""
    return "U&'" + "".join(char if char.isascii() and char.isalnum() else f"\\{ord(char):04X}" for char in text) + "'"


# SQLite has no translate(): each folded character is a replace(), and SQLite's parser overflows its stack at
# 30 nested calls. The replace()s are applied in layers of subqueries, each nesting at most this many.
_SQLITE_REPLACES = 16


def _sqlite_fold_select(keep, folded, source=""):
    """A SELECT of `keep` as they are and `folded` folded (each a list of (SQL, column name)), FROM `source`."""
    steps = list(FOLDS.items())
    select = ""
    for start in range(0, len(steps), _SQLITE_REPLACES):
        if not select:
            kept = [f"{sql} AS {_q(name)}" for sql, name in keep]
            values = folded
            origin = f" FROM {source}" if source else ""
        else:
            kept = [_q(name) for _, name in keep]
            values = [(_q(name), name) for _, name in folded]
            origin = f" FROM ({select})"
        columns = []
        for sql, name in values:
            for char, into in steps[start : start + _SQLITE_REPLACES]:
                sql = f"replace({sql}, char({ord(char)}), {_sqlite_char(into)})"
            columns.append(f"{sql} AS {_q(name)}")
        select = f"SELECT {', '.join(kept + columns)}{origin}"
    return select


def _sqlite_char(text):
    return f"char({ord(text)})" if text else "''"


class Folded(Func):
    """PostgreSQL: a text expression folded as the indexes fold it (for tables searched without an index)."""

    function = "translate"
    output_field = TextField()

    def __init__(self, expression):
        chars, into = _translate_args()
        super().__init__(F(expression) if isinstance(expression, str) else expression, Value(chars), Value(into))


@dataclass(frozen=True)
class FullTextIndex:
    table: str
    pk: str
    columns: tuple

    @property
    def fts(self):  # SQLite's FTS5 table
        return f"{self.table}_fts"

    @property
    def folded(self):  # SQLite's view of the text as the FTS5 table reads it
        return f"{self.table}_folded"

    @property
    def vocab(self):  # SQLite's table of the FTS5 table's terms, with the rows that have each
        return f"{self.table}_fts_vocab"

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
        return f"to_tsvector('simple'::regconfig, {_pg_fold(text)})"


def register(model, columns):
    """Index the text of `columns` (fields of `model` stored in its own table) for `search()`."""
    names = tuple(model._meta.get_field(column).column for column in columns)
    _registry[model._meta.label_lower] = FullTextIndex(model._meta.db_table, model._meta.pk.column, names)
    pre_migrate.connect(_drop_views, dispatch_uid="fulltext-views-before-migrate")


def index_of(model):
    return _registry.get(model._meta.label_lower)


def words(query):
    """The words of a query, folded (`fold`) and split as the indexes split text (at most MAX_WORDS):
    "كابُل، ۲۰۲۱" → ["کابل", "2021"]."""
    return re.findall(r"[^\W_]+", fold(query or ""), flags=re.UNICODE)[:MAX_WORDS]


@dataclass(frozen=True)
class Query:
    """The words of a search, each with the spellings it is searched in, the word as typed (folded) first:
    "Masood كابل" → (("Masood", "Massoud", "Masoud"), ("کابل",)) where names write "Massoud" and "Masoud"."""

    words: tuple = ()

    @classmethod
    def parse(cls, text, names=()):
        """The query of `text`; its Latin words also in the spellings of them that `names` (an iterable of
        names: entities', aliases', titles) hold, as `transliteration.variants` finds them."""
        typed = words(text)
        found = transliteration.variants(typed, names)
        return cls(tuple((word, *found.get(word, ())) for word in typed))

    def __bool__(self):
        return bool(self.words)

    def as_typed(self):
        """The query without the other spellings."""
        return Query(tuple(forms[:1] for forms in self.words))

    @property
    def respelled(self):
        """[(word as typed, (its other spellings))] for the words that have any: what the page says it searched."""
        return [(forms[0], forms[1:]) for forms in self.words if len(forms) > 1]


def _parsed(query):
    return query if isinstance(query, Query) else Query.parse(query)


def condition(model, query):
    """A Q of the `model` rows whose indexed text has each word of `query` (a string or a `Query`) as a word or
    a word's start, in any of its spellings; None when the query has no word."""
    index = index_of(model)
    if index is None:
        raise LookupError(f"No full-text index is registered for {model._meta.label}.")
    query = _parsed(query)
    if not query:
        return None
    if connection.vendor == "postgresql":
        sql = f"SELECT {_q(index.pk)} FROM {_q(index.table)} WHERE {_q(DOCUMENT)} @@ to_tsquery('simple'::regconfig, %s)"
        return Q(pk__in=RawSQL(sql, [_tsquery(query)]))
    # FTS5: each spelling a quoted string (no operator can hide in it) with * for "starts with"; the
    # spellings of a word are OR'ed, the words AND'ed (explicitly: FTS5 ANDs only bare phrases implicitly).
    sql = f"SELECT rowid FROM {_q(index.fts)} WHERE {_q(index.fts)} MATCH %s"
    return Q(pk__in=RawSQL(sql, [_fts_match(query)]))


def _fts_match(query):
    return " AND ".join("(" + " OR ".join(f'"{form}"*' for form in forms) + ")" for forms in query.words)


def search(queryset, fields, query):
    """`queryset` narrowed to rows with every word of `query` (a string or a `Query`) starting a word of
    `fields` (in any script, in any of the word's spellings).

    A model with a full-text index is searched through it (its fields are the index's; on SQLite in the way
    `_sqlite_plan` chooses for the number of matches). Others, tables of hundreds of rows (entities with
    their aliases, sources), are searched here: on PostgreSQL by its full-text search of the folded text
    without an index (`simple` configuration), elsewhere by a regular expression doing the same word-start
    match on the text as written (it reads every spelling FOLDS folds together), so both engines give the
    same results. `fields` may span relations.
    """
    query = _parsed(query)
    index = index_of(queryset.model)
    if index:
        found = condition(queryset.model, query)
        if found is None:
            return queryset.none()
        if connection.vendor != "sqlite":
            return queryset.filter(found)
        plan, lookup = _sqlite_plan(index, query)
        if plan == "walk":
            return queryset.filter(_Walked(index, _fts_match(query)))
        return queryset.filter(found if plan == "list" else _LookedUp(index, lookup))
    if not query:
        return queryset.none()
    if connection.vendor == "postgresql":
        # One vector per joined row (an entity has several aliases): match any of them, return each row once.
        matching = (
            queryset.model._default_manager.annotate(
                search_vector=SearchVector(*(Folded(field) for field in fields), config="simple")
            )
            .filter(search_vector=SearchQuery(_tsquery(query), search_type="raw", config="simple"))
            .values("pk")
        )
        return queryset.filter(pk__in=matching)
    every_word = Q()
    for forms in query.words:
        pattern = _word_start(forms)
        any_field = Q()
        for field in fields:
            match = Q(**{f"{field}__iregex": pattern})
            if not any(char in _SAME or not char.isascii() for form in forms for char in form):
                # SQLite's LIKE folds ASCII case in C; it runs first, so the regular expression (a Python
                # call per row) only sees rows that contain one of the spellings at all. Not for words with
                # a letter of another script (LIKE does not fold their case) or a digit (the text may write
                # it in Persian digits): the expression reads those. (Nor the Kelvin sign's and long s's
                # case into k and s, and a non-joiner inside a Latin word, which we accept.)
                contains = Q()
                for form in forms:
                    contains |= Q(**{f"{field}__icontains": form})
                match = contains & match
            any_field |= match
        every_word &= any_field
    return queryset.filter(pk__in=queryset.model._default_manager.filter(every_word).values("pk"))


# A word starts after the text's start or a character that is no letter or digit and not dropped by FOLDS; between
# its letters may stand characters FOLDS drops; each letter may be any that folds into it.
_START = rf"(?:^|[^\w{_DROPPED}]|_)"
_DECORATION = f"[{_DROPPED}]*"


def _word_start(forms):
    """A regular expression of any of `forms` (folded words) at the start of a word of text as written."""
    spelled = (_DECORATION.join(f"[{_SAME[char]}]" if char in _SAME else re.escape(char) for char in form) for form in forms)
    return _START + _DECORATION + "(?:" + "|".join(spelled) + ")"


def matches(text, query):
    """Whether `text` has every word of `query` (a string or a `Query`) as a word or a word's start, in any of
    its spellings: the search's rule, for text read in Python (a section's words without its markers and
    Markdown, a name that a result was found by)."""
    query = _parsed(query)
    return bool(query) and all(re.search(_word_start(forms), text, re.IGNORECASE) for forms in query.words)


# SQLite plans a search from the index (it lists every match, reads each row, sorts them for the page) whatever
# the number of matches; PostgreSQL's planner chooses from its statistics. On SQLite the search chooses, from the
# number of rows (the table's last id) and of matches (FTS5's count of the rows that have each term):
# - few matches: list them (per match: read the row, sort it; 4 µs);
# - many: walk the rows in the page's order, each tested against the listed matches, until the page is full
#   (listing: 0.4 µs per match; walking: 2 µs per row, rows / matches * 50 of them for a page of 50);
# - most rows: walk, each row looked up in the index itself (28 µs; a prefix spelled out as the terms it starts,
#   as FTS5 would merge a prefix's terms whole for each lookup: 200 ms for the page), not listing them at all.
# At 100,000 events, the events' query of the search page: "Panjshir" in 6,250 events, 20 ms listed, 3 ms walked;
# "fight" in all, 116 ms listed, 21 ms walked, 4 ms looked up (docs/benchmarks.md). A prefix that starts more than
# _MAX_TERMS terms, or a small table, is listed.
_WALK = 30  # walk when matches**2 > _WALK * rows (a walk of rows / matches * 50 rows costs less than the listing)
_LOOK_UP = 2000  # look each row up when matches**2 > _LOOK_UP * rows
_MAX_TERMS = 16


def _sqlite_plan(index, query):
    """SQLite: how to search the index for `query`: ("list", None), ("walk", None) or ("look up", the FTS5 query
    of a row, its prefixes spelled out as whole terms)."""
    # One query: the number of rows (the last id, read from the end of the table's b-tree), then each spelling's
    # terms with the rows that have each (an estimate: a row may have several of them).
    vocab = _q(index.vocab)
    branches, params = [f"SELECT -1, NULL, max({_q(index.pk)}) FROM {_q(index.table)}"], []
    for number, forms in enumerate(query.words):
        for form in forms:
            branches.append(
                f"SELECT * FROM (SELECT {number}, term, doc FROM {vocab} WHERE term >= %s AND term < %s LIMIT {_MAX_TERMS + 1})"
            )
            params += [form.lower(), form.lower() + "\U0010ffff"]
    with connection.cursor() as cursor:
        try:
            cursor.execute(" UNION ALL ".join(branches), params)
        except DatabaseError:
            return "list", None  # the table of terms is made by the next migrate (SQLite's transaction goes on)
        found = cursor.fetchall()
    rows, terms = 0, [{} for _ in query.words]
    for number, term, docs in found:
        if number < 0:
            rows = docs
        else:
            terms[number][term] = docs
    if not rows or rows <= _WALK:
        return "list", None
    if any(len(found) > _MAX_TERMS for found in terms):
        return "list", None
    matches = min(sum(found.values()) for found in terms)
    if matches**2 > _LOOK_UP * rows:
        quoted = ("(" + " OR ".join('"' + term.replace('"', '""') + '"' for term in found) + ")" for found in terms)
        return "look up", " AND ".join(quoted)
    return ("walk" if matches**2 > _WALK * rows else "list"), None


class _IndexTest(Func):
    """SQLite: a test of a row's pk against an FTS5 query of `index`; subclasses say how it is asked."""

    output_field = BooleanField()

    def __init__(self, index, match):
        super().__init__(F("pk"))
        self.index, self.match = index, match


class _Walked(_IndexTest):
    """SQLite: `pk IN (the index's matches)`, written so that SQLite tests each row it walks against the listed
    matches rather than reading each match's row (the unary + keeps it from using the IN for its lookups)."""

    def as_sql(self, compiler, connection, **extra):
        pk, params = compiler.compile(self.source_expressions[0])
        fts = _q(self.index.fts)
        return f"+{pk} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)", [*params, self.match]


class _LookedUp(_IndexTest):
    """SQLite: whether a row's indexed text matches an FTS5 query, looked up in the index for that row alone."""

    def as_sql(self, compiler, connection, **extra):
        pk, params = compiler.compile(self.source_expressions[0])
        fts = _q(self.index.fts)
        return f"EXISTS (SELECT 1 FROM {fts} WHERE {fts} MATCH %s AND rowid = {pk})", [self.match, *params]


def _tsquery(query):
    """PostgreSQL's query of every word as a word's start, in each of its spellings: "panj:* & (masood:* | massoud:*)"."""
    return " & ".join("(" + " | ".join(f"{form.lower()}:*" for form in forms) + ")" for forms in query.words)


def _q(name):
    return connection.ops.quote_name(name)


# Making and checking the indexes


def _columns(index):
    return ", ".join(_q(c) for c in index.columns)


def _sqlite_schema(index):
    """{name: CREATE statement} of what keeps `index` on SQLite: the folded view, the FTS5 table and its table of
    terms (`_sqlite_dense_match` reads it), the triggers.

    The triggers fold the rows' values themselves (they do not read the view): the FTS5 'delete' command
    must be given the values that were indexed, and in a trigger after a delete the row is gone."""
    t, fts, pk, cols = _q(index.table), _q(index.fts), _q(index.pk), _columns(index)
    view = _sqlite_fold_select([(pk, index.pk)], [(_q(c), c) for c in index.columns], t)

    def folded(row):
        return _sqlite_fold_select([(f"{row}.{pk}", index.pk)], [(f"{row}.{_q(c)}", c) for c in index.columns])

    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) SELECT 'delete', {pk}, {cols} FROM ({folded('old')});"
    insert = f"INSERT INTO {fts}(rowid, {cols}) {folded('new')};"
    bodies = {"insert": ("INSERT", insert), "delete": ("DELETE", delete), "update": (f"UPDATE OF {cols}", delete + insert)}
    return {
        index.folded: f"CREATE VIEW {_q(index.folded)} AS {view}",
        index.fts: (
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content={_q(index.folded)}, content_rowid={pk}, "
            "tokenize='unicode61 remove_diacritics 0', prefix='2 3')"
        ),
        index.vocab: f"CREATE VIRTUAL TABLE {_q(index.vocab)} USING fts5vocab({fts}, 'row')",
        **{
            f"{index.fts}_{name}": f"CREATE TRIGGER {_q(f'{index.fts}_{name}')} AFTER {event} ON {t} BEGIN {body} END"
            for name, (event, body) in bodies.items()
        },
    }


def _sqlite_have(cursor, index):
    """{name: CREATE statement} of what SQLite has of `index`'s schema."""
    names = list(_sqlite_schema(index))
    cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE name IN ({', '.join(['%s'] * len(names))})", names)
    return dict(cursor.fetchall())


def _sqlite_ensure(cursor, index):
    wanted, have = _sqlite_schema(index), _sqlite_have(cursor, index)
    rebuild = False
    if have.get(index.fts) != wanted[index.fts]:
        # Missing, or made before the text was folded (it read the table itself): its words are not these.
        cursor.execute(f"DROP TABLE IF EXISTS {_q(index.fts)}")
        cursor.execute(wanted[index.fts])
        rebuild = True
    if have.get(index.folded) != wanted[index.folded]:
        cursor.execute(f"DROP VIEW IF EXISTS {_q(index.folded)}")
        cursor.execute(wanted[index.folded])
    if have.get(index.vocab) != wanted[index.vocab]:
        cursor.execute(f"DROP TABLE IF EXISTS {_q(index.vocab)}")
        cursor.execute(wanted[index.vocab])
    triggers = [name for name in wanted if name not in (index.fts, index.folded, index.vocab)]
    if any(have.get(name) != wanted[name] for name in triggers):
        # Lost with a remade table, or folding another way: rows may have been written without them.
        for name in triggers:
            cursor.execute(f"DROP TRIGGER IF EXISTS {_q(name)}")
            cursor.execute(wanted[name])
        rebuild = True
    if rebuild:
        cursor.execute(f"INSERT INTO {_q(index.fts)}({_q(index.fts)}) VALUES ('rebuild')")


def _drop_views(using, **kwargs):
    """Before a migrate on SQLite: drop the folded views (`ensure()` makes them again after it).

    To alter a table SQLite's schema editor makes a new one, drops the old and renames the new into its
    place; the rename fails ("error in view ...: no such table") while a view names the dropped table."""
    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        for index in _registry.values():
            cursor.execute(f"DROP VIEW IF EXISTS {conn.ops.quote_name(index.folded)}")


def _pg_function(index):
    """PostgreSQL: the body of the trigger function that keeps the column."""
    return f"BEGIN NEW.{_q(DOCUMENT)} := {index.document('NEW.')}; RETURN NEW; END"


def _pg_state(cursor, index):
    """What PostgreSQL has of `index`: {"column", "function", "index", "trigger"} as far as each exists and is current."""
    have = set()
    cursor.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s "
        "AND column_name = %s",
        [index.table, DOCUMENT],
    )
    if cursor.fetchone():
        have.add("column")
    # A function of an older fold (or none) keeps other words than the query looks for.
    cursor.execute(
        "SELECT prosrc FROM pg_proc WHERE proname = %s AND pronamespace = current_schema()::regnamespace", [index.fill]
    )
    row = cursor.fetchone()
    if row and row[0] == _pg_function(index):
        have.add("function")
    elif row:
        have.add("old function")
    # An index of the same name from before the kept column indexed the expression: that one is not current.
    cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s", [index.table, index.gin])
    row = cursor.fetchone()
    if row and f"({DOCUMENT})" in row[0]:
        have.add("index")
    elif row:
        have.add("old index")
    # The trigger fires on an UPDATE OF the columns it was made with: one made before a column joined the
    # index would leave that column's changes unindexed (an import updating only `summary_prs`), so it is
    # current only with exactly the index's columns.
    cursor.execute(
        "SELECT array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = t.tgrelid "
        "AND a.attnum = ANY(t.tgattr)) FROM pg_trigger t WHERE t.tgrelid = %s::regclass AND t.tgname = %s "
        "AND NOT t.tgisinternal",
        [_q(index.table), index.fill],
    )
    row = cursor.fetchone()
    if row and sorted(row[0]) == sorted(index.columns):
        have.add("trigger")
    elif row:
        have.add("old trigger")
    return have


def _stale(index):
    """PostgreSQL: the rows whose kept words are not their text's."""
    return f"{_q(DOCUMENT)} IS DISTINCT FROM {index.document()}"


_PG_CURRENT = {"column", "function", "trigger", "index"}


def _pg_ensure(cursor, index):
    table, fill, document = _q(index.table), _q(index.fill), _q(DOCUMENT)
    have = _pg_state(cursor, index)
    if "column" not in have:
        # No default: adding the column rewrites nothing; the UPDATE below fills it.
        cursor.execute(f"ALTER TABLE {table} ADD COLUMN {document} tsvector")
    # Made again after every migrate, so that it reads the columns as they now are.
    cursor.execute(f"CREATE OR REPLACE FUNCTION {fill}() RETURNS trigger LANGUAGE plpgsql AS $${_pg_function(index)}$$")
    if "old trigger" in have:
        cursor.execute(f"DROP TRIGGER {fill} ON {table}")
    if "trigger" not in have:
        cursor.execute(
            f"CREATE TRIGGER {fill} BEFORE INSERT OR UPDATE OF {_columns(index)} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {fill}()"
        )
    if not {"column", "function", "trigger"} <= have:
        # Rows written while the trigger was missing (or before the column, or with another fold) get their words now.
        cursor.execute(f"UPDATE {table} SET {document} = {index.document()} WHERE {_stale(index)}")
    if "old index" in have:
        cursor.execute(f"DROP INDEX {_q(index.gin)}")
    if "index" not in have:
        cursor.execute(f"CREATE INDEX {_q(index.gin)} ON {table} USING gin ({document})")
    if not have.issuperset(_PG_CURRENT):
        # The planner estimates how many rows match from the column's statistics, which only ANALYZE gathers:
        # without them it expected 2 % of 100,000 events and ignored the index.
        cursor.execute(f"ANALYZE {table}")


def ensure(using=None):
    """Make every registered index that is missing or out of date (and rebuild one whose triggers were lost)."""
    conn = connections[using] if using else connection
    tables = set(conn.introspection.table_names())
    with conn.cursor() as cursor:
        for index in _registry.values():
            if index.table not in tables:
                continue  # migrated back to before the table
            if conn.vendor == "postgresql":
                _pg_ensure(cursor, index)
            elif conn.vendor == "sqlite":
                _sqlite_ensure(cursor, index)


def check(model):
    """[] when the model's index agrees with its table; otherwise what is wrong."""
    index = index_of(model)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            wanted, have = _sqlite_schema(index), _sqlite_have(cursor, index)
            problems = [
                f"{name}: {'out of date' if name in have else 'missing'}" for name in wanted if have.get(name) != wanted[name]
            ]
            if index.fts in have and index.folded in have:
                try:
                    # rank 1: also compare the index with the text it reads (FTS5's own check)
                    cursor.execute(f"INSERT INTO {_q(index.fts)}({_q(index.fts)}, rank) VALUES ('integrity-check', 1)")
                except DatabaseError as error:
                    problems.append(f"{index.fts}: {error}")
        return problems
    with connection.cursor() as cursor:
        have = _pg_state(cursor, index)
        problems = [
            f"{name}: {'out of date' if f'old {part}' in have else 'missing'}"
            for part, name in (("column", DOCUMENT), ("trigger", index.fill), ("index", index.gin))
            if part not in have
        ]
        if "old function" in have:
            problems.append(f"{index.fill}(): out of date")
        if "column" in have:
            cursor.execute(f"SELECT count(*) FROM {_q(index.table)} WHERE {_stale(index)}")
            (stale,) = cursor.fetchone()
            if stale:
                problems.append(f"{DOCUMENT}: {stale} rows whose words are out of date")
        return problems
