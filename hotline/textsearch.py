"""Chinese full-text search on the ground floor: tokens written with a row, a GIN index, a filter.

PostgreSQL has no Chinese word splitter in Debian (zhparser, pg_bigm are not packaged), and
a trigram index cannot serve a two-character word such as 噪音. So every run of Chinese
characters is cut into overlapping character bigrams (噪音扰民 → 噪音 音扰 扰民) plus its last
character alone, and ASCII letters/digits into lower-cased words. The tokens are stored as
plain text in a row's ``search_tokens`` column, computed by the code that writes the row,
and PostgreSQL keeps ``to_tsvector('simple', search_tokens)`` in a stored column with a
GIN index. A query term is
cut the same way: a Chinese word of n characters becomes the phrase of its n-1 bigrams
(``工人 <-> 人体 <-> 体育``), which matches exactly the rows holding those characters in a
row — no dictionary, no missed new words. Runs typed against each other (富力城17号楼)
must also stand together: one phrase of their stored tokens, checked on the rows found.
README "Search" has the measurements against pg_trgm and jieba-cut words.

How an app uses it (the tickets and the knowledge base do the same):

1. a ``search_tokens = models.TextField(blank=True, default="", editable=False)`` field,
   set with ``search_tokens(title, body, ...)`` whenever the row is written;
2. in a migration, ``text_search_index("app_label", "model", name="...")`` — on
   PostgreSQL it adds the stored tsvector column ``search_tokens_tsv`` and its GIN index;
   on SQLite it does nothing;
3. reads call ``apply_text_search(qs, query=q, raw_fields=["title", "body"])``. On SQLite
   (the embedded default) the same terms are matched with ``icontains`` over raw_fields:
   correct, only slower.
"""

import functools
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import NamedTuple

from django.db import connections, migrations
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value

from .simplified import CJK_RANGES, simplified, traditional_pattern
from .token_shares import Shares, token_shares

_CJK = "".join(f"{chr(low)}-{chr(high)}" for low, high in CJK_RANGES)
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
MAX_TERMS = 10  # more terms than this add nothing but work


def _normalise(text: str, as_simplified=True) -> str:
    # NFKC folds full-width digits and letters (１２３４５, ＡＢＣ) into ASCII; traditional
    # characters are cut as simplified, in the rows and in the queries alike.
    text = unicodedata.normalize("NFKC", text or "")
    return (simplified(text) if as_simplified else text).lower()


def _runs(text: str) -> list[str]:
    return _RUN.findall(_normalise(text))


def _run_tokens(run: str) -> list[str]:
    if not _IS_CJK.match(run):
        return [run]
    # Bigrams, then the last character alone: a one-character query (as the prefix of a
    # token) then finds it wherever it stands, and no bigram is ever adjacent to the
    # first bigram of the next run, so phrases never match across punctuation.
    return _bigrams(run) + [run[-1]]


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def search_tokens(*texts: str) -> str:
    """The tokens to store in a row's ``search_tokens`` column, computed at write time."""
    tokens = []
    for text in texts:
        for run in _runs(text):
            tokens.extend(_run_tokens(run))
    return " ".join(tokens)


class Term(NamedTuple):
    """A run of a query that must match: a phrase of bigrams, or a prefix of a token."""

    text: str
    prefix: bool


def _terms(query: str, as_simplified=True) -> list[Term]:
    """The runs of a query that must all match, in order, each once.

    A single Chinese character and an ASCII word are prefixes of a token (a plate's
    ``a123`` finds ``a12345``), except a number written against the character after it:
    ``3号`` and ``12层`` name building 3 and floor 12, not 30 or 120 — and ``3`` as a
    prefix would merge the lists of every token starting with it.
    """
    text = _normalise(query, as_simplified)
    terms = []
    for match in _RUN.finditer(text):
        term = _term(match, text)
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def _term(match: re.Match, text: str) -> Term:
    run, following = match.group(), text[match.end() : match.end() + 1]
    if _IS_CJK.match(run):
        return Term(run, len(run) == 1)
    return Term(run, not (following and _IS_CJK.match(following)))


def _glued(query: str, as_simplified=True) -> list[list[Term]]:
    """Runs typed against each other (富力城17号楼: 富力城, 17, 号楼), two or more: they must
    stand so in the text too, or 富力城17号楼 finds 鲁谷路17号富力城14号楼."""
    text, groups, end = _normalise(query, as_simplified), [], None
    for match in _RUN.finditer(text):
        term = _term(match, text)
        if match.start() == end and len(groups[-1]) < MAX_TERMS:
            groups[-1].append(term)
        else:
            groups.append([term])
        end = match.end()
    return [group for group in groups if len(group) > 1][:MAX_TERMS]


def _glued_phrase(group: list[Term]) -> str:
    """The tokens the text holds where the group's runs stand together, as one phrase: a
    Chinese run inside the group is whole, its bigrams then its last character (as stored);
    the last run may go on (号 of 17号 is the start of 号楼)."""
    items = []
    for i, term in enumerate(group):
        last = i == len(group) - 1
        if not _IS_CJK.match(term.text):
            items.append(f"'{term.text}':*" if last and term.prefix else f"'{term.text}'")
        elif last:
            items += [f"'{b}'" for b in _bigrams(term.text)] or [f"'{term.text}':*"]
        else:
            items += [f"'{b}'" for b in _bigrams(term.text)] + [f"'{term.text[-1]}'"]
    return "(" + " <-> ".join(items) + ")"


def query_terms(query: str) -> list[str]:
    """The runs of a query that must all match: Chinese runs and ASCII words, in order."""
    return list(dict.fromkeys(term.text for term in _terms(query)))


def _tsquery_term(term: Term) -> str:
    items = [item for item, _text, _prefix in _tokens_of(term)]
    if term.prefix or not _IS_CJK.match(term.text):
        return items[0]
    return "(" + " <-> ".join(items) + ")"  # a word: the phrase of its bigrams


def to_tsquery_text(query: str) -> str:
    """The to_tsquery('simple', …) text for a query; empty when it holds no term."""
    return _tsquery(_terms(query))


def _tsquery(terms: list[Term]) -> str:
    return " & ".join(_tsquery_term(term) for term in terms)


def _single_character(term: Term) -> bool:
    return len(term.text) == 1 and bool(_IS_CJK.match(term.text))


VECTOR_SUFFIX = "_tsv"


class _TokensMatch(Func):
    """``<tokens column>_tsv @@ to_tsquery('simple', %s)``.

    ``<tokens column>_tsv`` is the stored tsvector that text_search_index adds on
    PostgreSQL (the model does not know it; PostgreSQL keeps it in step). A stored vector,
    not an index on the expression: when the planner filters rows in another index's
    order, an expression is recomputed per row — 136 ms against 1.3 ms for 噪音 on
    200,000 rows.
    """

    test = "{vector} @@ to_tsquery('simple'::regconfig, {query})"
    # with a lexeme the row must also hold, in the same lookup (text_search_condition)
    test_with = "{vector} @@ (to_tsquery('simple'::regconfig, {query}) && {lexeme}::tsquery)"
    output_field = BooleanField()

    def __init__(self, tokens_field: str, tsquery: str, lexeme: str | None = None):
        extra = [Value(f"'{lexeme}'")] if lexeme else []
        super().__init__(F(tokens_field), Value(tsquery), *extra)

    def as_sql(self, compiler, connection, **extra):
        column, query, *lexeme = self.get_source_expressions()
        column_sql, params = compiler.compile(column)
        vector = column_sql[:-1] + VECTOR_SUFFIX + '"'  # "t"."search_tokens" → …_tsv"
        parts = {"vector": vector}
        for name, expression in (("query", query), *(("lexeme", e) for e in lexeme)):
            parts[name], more = compiler.compile(expression)
            params = [*params, *more]
        return (self.test_with if lexeme else self.test).format(**parts), params


class _TokensRecheck(_TokensMatch):
    """The same test as a function call, which no index serves: PostgreSQL checks it on the
    rows an index found for the tokens looked up (see _index_lookup)."""

    test = "ts_match_vq({vector}, to_tsquery('simple'::regconfig, {query}))"


# Look up rarer tokens until the rows holding all of them are expected to be this share of
# the table or fewer (10 of a million); the rest are checked on those rows.
LOOKUP_SHARE = 1e-5


def _index_lookup(terms: list[Term], read_shares: Callable[[], Shares]) -> str | None:
    """The tsquery the GIN index should look up for these terms: their rarest tokens, or
    None to look up all.

    A GIN index ANDs the posting lists of every token in the query, and a common one
    (小区, in a third of the tickets) costs pages of its list for each hit: a ten-bigram
    address took 10.5 ms of index at two million tickets, its three rarest tokens 2.8 ms.
    The whole query is then checked on the rows found, so the answer is the same.

    Every term gives its rarest token: the bigrams of one word come together (all of a
    compound's tickets hold 东风, 风地 and 地区), so three of them narrow no more than one,
    and a number beside them (12 of 某小区12号) is what finds the few. Rarer tokens are
    then added, as if independent, until the rows holding all are expected to be
    LOOKUP_SHARE of the table. The shares are read only for a query of two tokens or more.
    """
    by_term = [_tokens_of(term) for term in terms]
    tokens = list(dict.fromkeys(token for term in by_term for token in term))
    if len(tokens) < 2:
        return None
    shares = read_shares()
    if not shares.counted:
        return None
    share = {
        item: shares.of_prefix(text) if prefix else shares.of(text) for item, text, prefix in tokens
    }
    chosen = list(dict.fromkeys(min((t[0] for t in term), key=share.get) for term in by_term))
    expected = math.prod(share[item] for item in chosen)
    for item in sorted(share, key=share.get):
        if expected <= LOOKUP_SHARE:
            break
        if item not in chosen:
            chosen.append(item)
            expected *= share[item]
    if len(chosen) == len(share):
        return None
    return " & ".join(sorted(chosen, key=share.get))


def _tokens_of(term: Term) -> list[tuple[str, str, bool]]:
    """(tsquery item, its text, whether it is a prefix) for each token of a query term."""
    if term.prefix:
        return [(f"'{term.text}':*", term.text, True)]
    if not _IS_CJK.match(term.text):
        return [(f"'{term.text}'", term.text, False)]
    return [(f"'{bigram}'", bigram, False) for bigram in _bigrams(term.text)]


def _vector_column(model, tokens_field: str) -> str:
    return model._meta.get_field(tokens_field).column + VECTOR_SUFFIX


def text_search_condition(
    query: str,
    *,
    model,
    tokens_field: str = "search_tokens",
    raw_fields: Sequence[str],
    using="default",
    lexeme: str | None = None,
) -> Q:
    """The condition of apply_text_search as a Q, to combine with others (``|``, ``&``).

    An empty Q when the query holds no term. On PostgreSQL, ``lexeme`` (one the row's
    vector holds apart from its words, such as a ticket's '@lead<unit id>') is ANDed into the
    index lookup: when it is rarer than the words, the GIN scan follows its short list and
    skips through the words' long ones.
    """
    terms = _terms(query)
    if not terms:
        return Q()
    if connections[using].vendor == "postgresql":
        # One Chinese character is the prefix of every token starting with it (号 of 12号:
        # 号楼, 号院, …), and its index lookup merges all their lists: 朝阳北路12号 took
        # 420 ms at two million tickets. Beside other terms it is checked on the rows they
        # find: the tokens text holds it exactly when one of its tokens starts with it.
        looked_up = [term for term in terms if not _single_character(term)] or terms
        lookup = _index_lookup(
            looked_up,
            lambda: token_shares(model._meta.db_table, _vector_column(model, tokens_field), using),
        )
        if lookup:
            condition = Q(_TokensMatch(tokens_field, lookup, lexeme))
            condition &= Q(_TokensRecheck(tokens_field, _tsquery(looked_up)))
        else:
            condition = Q(_TokensMatch(tokens_field, _tsquery(looked_up), lexeme))
        for term in terms:
            if term not in looked_up:
                condition &= Q(**{f"{tokens_field}__contains": term.text})
        for group in _glued(query):  # checked on the rows found, as the whole query is
            condition &= Q(_TokensRecheck(tokens_field, _glued_phrase(group)))
        return condition
    condition = _raw_condition(query, raw_fields)
    if _terms(query, as_simplified=False) != terms:
        # the raw text is stored as written: traditional words also as typed (SQLite finds
        # 餐館 written so by 餐館 or 餐馆 typed, not 餐馆 written by 餐館)
        condition |= _raw_condition(query, raw_fields, as_simplified=False)
    return condition


def _raw_condition(query: str, raw_fields: Sequence[str], as_simplified=True) -> Q:
    condition = Q()
    for term in _terms(query, as_simplified):
        any_field = Q()
        for field in raw_fields:
            any_field |= Q(**_raw_lookup(field, term))
        condition &= any_field
    for group in _glued(query, as_simplified):
        glued = "".join(term.text for term in group)
        condition &= functools.reduce(
            operator.or_, (Q(**{f"{field}__icontains": glued}) for field in raw_fields)
        )
    return condition


def _raw_lookup(field: str, term: Term) -> dict:
    """The term over the raw text where there is no token index (SQLite): a Chinese run
    as a substring; an ASCII word from a word's start, and, when not a prefix, whole — so
    9号楼 finds building 9 and not 19 or 90, as the tokens do on PostgreSQL."""
    if _IS_CJK.match(term.text):
        return {f"{field}__icontains": term.text}
    end = "" if term.prefix else "([^0-9a-z]|$)"
    return {f"{field}__iregex": f"(^|[^0-9a-z]){re.escape(term.text)}{end}"}


def apply_text_search(
    qs: QuerySet, *, query: str, tokens_field: str = "search_tokens", raw_fields: Sequence[str]
) -> QuerySet:
    """Rows where every term of ``query`` occurs; ``qs`` unchanged when there is no term.

    PostgreSQL: the GIN index on the tokens. Elsewhere: each term ``icontains`` in one of
    ``raw_fields``.
    """
    condition = text_search_condition(
        query, model=qs.model, tokens_field=tokens_field, raw_fields=raw_fields, using=qs.db
    )
    return qs.filter(condition) if condition else qs


def index_sql(table: str, column: str, name: str) -> tuple[list[str], list[str]]:
    """(create, drop) SQL of the stored tsvector and its GIN index, read on PostgreSQL."""
    vector = column + VECTOR_SUFFIX
    create = [
        f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{vector}" tsvector '
        f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, \"{column}\")) STORED",
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{vector}")',
    ]
    drop = [f'DROP INDEX IF EXISTS "{name}"', f'ALTER TABLE "{table}" DROP COLUMN "{vector}"']
    return create, drop


def text_search_index(
    app_label: str, model_name: str, *, name: str, field: str = "search_tokens"
) -> migrations.RunPython:
    """A migration operation: on PostgreSQL a stored tsvector of ``field`` (a column the
    model does not declare, kept in step by PostgreSQL) and its GIN index ``name``;
    nothing on SQLite. Put it after the AddField of ``field``."""

    def run(which):
        def op(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            model = apps.get_model(app_label, model_name)
            column = model._meta.get_field(field).column
            for sql in index_sql(model._meta.db_table, column, name)[which]:
                schema_editor.execute(sql)

        return op

    return migrations.RunPython(run(0), run(1), elidable=False)


def cut_again_where_traditional(model, fields: Sequence[str], tokens_field="search_tokens"):
    """For a migration: the rows whose `fields` hold a traditional character get their
    tokens cut again, as simplified (rows written before the cut converted them)."""
    pattern = traditional_pattern()
    holding = functools.reduce(operator.or_, (Q(**{f"{f}__regex": pattern}) for f in fields))
    for pk, *texts in model.objects.filter(holding).values_list("pk", *fields).iterator():
        model.objects.filter(pk=pk).update(**{tokens_field: search_tokens(*texts)})
