"""Accent-insensitive member name search that stays fast at national scale.

SQLite (the embedded default, small data) filters the folded ``search_text`` with ``LIKE``. PostgreSQL
matches whole words through a GIN index on the words of ``search_text`` (``WORDS_SQL``): each word of the
query is expanded to the known words that start with it (``NameWord``, a small vocabulary kept beside
the members), so "nguyen van du" finds "Nguyễn Văn Dũng" and "Nguyễn Văn Đức" by exact index entries,
which the index intersects quickly however common each word is. Both paths have the same meaning: every
word of the query starts a word of the name.

Which plan serves the first page depends on how many members match. A few thousand: read them through
the word index and sort them (``name_key`` is then an expression the name-order index cannot serve, so
the planner does exactly that). Hundreds of thousands ("nguyen"): walk the name-order index and keep the
matches, which are dense everywhere in that order (tested with ``LIKE`` on the folded name it covers).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import BooleanField, CharField, Expression, F, Q

from dangvu.core.search import WORDS_SQL, Unindexed, WordsMatch, lexeme, planner_statistics, word_prefix

# The GIN index is built on ``WORDS_SQL`` (migrations 0006, 0012); a query must spell it the same way.
WORDS_COLUMN = "search_words"
# Words so frequent in names that intersecting their posting lists costs more than the rest of the
# search (the commonest family names: "nguyen" is in 4 names out of 10): the index also holds them
# paired with each other word of the name ("nguyen~quang"), and a query uses the pair instead. Data,
# not code: settings can change the list (then ``dangvu refresh_member_search`` recomputes the column).
DEFAULT_COMMON_WORDS = "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly"
PAIR = "~"
# Beyond this many known words starting with a query word, match the prefix in the index instead.
MAX_EXPANSION = 300
# A token's area (``MemberNameToken.area``): the path of its unit's ancestor at this depth, just below
# the root (the province in the national tree): 2 steps of ``Org.steplen`` (4) characters. Migration
# 0031's triggers cut paths at the same length.
AREA_DEPTH = 2
AREA_LENGTH = AREA_DEPTH * 4
# The member name tokens (``MemberNameToken``): how a bulk load fills them and builds their indexes
# (the same statements as migrations 0022 and 0031, which also install the triggers that keep them).
NAME_POSTINGS_FILL_SQL = f"""
INSERT INTO members_membernametoken (member_id, word, sort_key, org_id, area)
SELECT m.id, t.word, m.sort_key, m.org_id, left(o.path, {AREA_LENGTH})
FROM members_member m JOIN orgs_org o ON o.id = m.org_id,
LATERAL (SELECT DISTINCT left(w, 60) AS word FROM unnest(string_to_array(m.search_text, ' ')) AS w WHERE w <> '') t
"""  # noqa: S608 (a constant of this module)
NAME_POSTINGS_INDEX_SQL = (
    "CREATE INDEX member_token_order_idx ON members_membernametoken"
    " (word, sort_key, member_id) INCLUDE (org_id)"
)
NAME_POSTINGS_AREA_INDEX_SQL = (
    "CREATE INDEX member_token_area_idx ON members_membernametoken"
    " (word, area, sort_key, member_id) INCLUDE (org_id)"
)
# Up to this many estimated matches, read the matches and sort them rather than walk the name order.
SORT_MATCHES_UP_TO = 100_000


def common_words() -> frozenset[str]:
    from django.conf import settings

    return _common_words(str(getattr(settings, "DANGVU_SEARCH_COMMON_WORDS", DEFAULT_COMMON_WORDS)))


@functools.lru_cache(maxsize=4)  # the setting's text → its words: every imported name asks for them
def _common_words(setting: str) -> frozenset[str]:
    return frozenset(setting.split())


def index_words(folded: str) -> str:
    """What the word index holds for a folded name: its words, and each common word paired with each
    other word ("nguyen van duc" → "nguyen van duc nguyen~van nguyen~duc van~nguyen van~duc")."""
    words = list(dict.fromkeys(folded.split()))
    common = common_words()
    pairs = [f"{c}{PAIR}{w}" for c in words if c in common for w in words if w != c]
    return " ".join(words + pairs)


def tsquery_for(terms: Iterable[str]) -> str:
    """The tsquery for folded query words: each one any known word it starts (or its own prefix).

    A word whose every expansion is a common word ("nguyen") is asked for as pairs with the most
    selective other word instead ("nguyen~quang"), which the index answers from a short list.
    """
    from dangvu.members.models import NameWord

    terms = list(terms)
    found: dict[str, set[str]] = {term: {term} for term in terms}
    condition = Q()
    for term in terms:
        condition |= Q(word__startswith=term)
    for word in NameWord.objects.filter(condition).values_list("word", flat=True)[
        : MAX_EXPANSION * len(terms)
    ]:
        for term in terms:
            if word.startswith(term):
                found[term].add(word)
    return tsquery_of(found)


def tsquery_of(found: dict[str, set[str]]) -> str:
    """The tsquery "each query word is one of its words" for ``{query word: the words it stands for}``
    (``tsquery_for``; common words paired with the most selective other word)."""
    terms = list(found)
    common = common_words()
    frequent = [t for t in terms if found[t] <= common]
    anchors = [t for t in terms if t not in frequent and len(found[t]) < MAX_EXPANSION]
    anchor = min(anchors, key=lambda t: (len(found[t]), -len(t))) if anchors else None
    parts = []
    for term in terms:
        words = found[term]
        if anchor is not None and frequent and term == anchor:
            continue  # every pair below holds a word the anchor starts: its own condition is implied
        if anchor is not None and term in frequent:
            # Both query words may start the same word of the name ("nguyen nguy"): then the word alone.
            pairs = {f"{c}{PAIR}{w}" if w != c else c for c in words for w in found[anchor]}
            parts.append("(" + " | ".join(lexeme(p) for p in sorted(pairs)) + ")")
        elif len(words) >= MAX_EXPANSION:
            parts.append(f"{lexeme(term)}:*")
        else:
            parts.append("(" + " | ".join(lexeme(word) for word in sorted(words)) + ")")
    return " & ".join(parts)


def estimated_matches(table: str, column: str, tsquery: str) -> int:
    """The planner's estimate of how many rows match (from the word index statistics)."""
    words = WORDS_SQL.format(column=connection.ops.quote_name(column))
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {connection.ops.quote_name(table)} "  # noqa: S608
            f"WHERE {words} @@ %s::tsquery",
            [tsquery],
        )
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _memo(memo: dict[Any, Any] | None, key: Any, compute: Any) -> Any:
    """``compute()``, remembered in ``memo`` (one request's search: the page and its total ask the same
    vocabulary and planner questions once); without a memo, computed every time."""
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def word_search(queryset: Any, terms: list[str], memo: dict[Any, Any] | None = None) -> Any:
    """PostgreSQL: few matches are read through the word index and sorted (``name_key`` keeps the
    name-order index out of it); many matches are found by walking the name-order index, which holds
    the folded name, and testing each entry with ``LIKE`` (cheaper per row than building its words).
    ``memo``: one request's answers, shared with its page and total.

    Which of the two it is is decided when the query is compiled (``NameMatch``, ``NameKey``): a list
    whose page and total the name tokens answer never asks the vocabulary and the planner for it."""
    choice = _PlanChoice(tuple(terms), queryset.model._meta.db_table, memo if memo is not None else {})
    return queryset.filter(NameMatch(choice)).alias(name_key=NameKey(choice))


@dataclass(frozen=True)
class _PlanChoice:
    """The general plan of one name search, decided on first use: the tsquery of its words and whether
    its matches are few enough to read through the word index and sort."""

    terms: tuple[str, ...]
    table: str
    memo: dict[Any, Any] = field(compare=False, hash=False, repr=False)

    @property
    def tsquery(self) -> str:
        return str(_memo(self.memo, ("tsquery", self.terms), lambda: tsquery_for(self.terms)))

    @property
    def sorts_matches(self) -> bool:
        tsquery = self.tsquery
        estimate = _memo(
            self.memo, ("estimate", tsquery), lambda: estimated_matches(self.table, WORDS_COLUMN, tsquery)
        )
        return bool(estimate <= SORT_MATCHES_UP_TO)


class NameMatch(Expression):
    """The rows whose folded name has a word starting with each query word: the word index's match
    (``WordsMatch``) when the matches are few, else ``LIKE`` on the folded name (``filter_search``),
    which a walk of the name-order index tests entry by entry."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, choice: _PlanChoice) -> None:
        super().__init__()
        self.choice = choice

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if self.choice.sorts_matches:
            condition: Any = WordsMatch(F(WORDS_COLUMN), self.choice.tsquery)
        else:
            condition = Q()
            for term in self.choice.terms:
                condition &= word_prefix("search_text", term)
        resolved = condition.resolve_expression(compiler.query, allow_joins=False)
        sql, params = compiler.compile(resolved)
        return sql, tuple(params)


class NameKey(Expression):
    """The name-order key of a name search: ``sort_key`` itself when the name-order index is walked,
    else an expression of it no index serves (``Unindexed``: the few matches are sorted)."""

    output_field = CharField()

    def __init__(self, choice: _PlanChoice) -> None:
        super().__init__()
        self.choice = choice

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        key: Any = Unindexed(F("sort_key")) if self.choice.sorts_matches else F("sort_key")
        sql, params = compiler.compile(key.resolve_expression(compiler.query, allow_joins=False))
        return sql, tuple(params)


def words_of(texts: Iterable[str]) -> set[str]:
    return {word for text in texts for word in text.split(" ") if word}


def remember_words(texts: Iterable[str]) -> None:
    """Add the words of folded names to the search vocabulary (idempotent)."""
    from dangvu.members.models import NameWord

    words = words_of(texts)
    if words:
        NameWord.objects.bulk_create(
            [NameWord(word=w[:60]) for w in words], ignore_conflicts=True, batch_size=2000
        )


# The first page of a name search from the name tokens (``MemberNameToken``, PostgreSQL).
# Deeper pages than this, or a query word with more known completions, take the general plan.
TOKEN_MAX_DEPTH = 2_000
TOKEN_MAX_BRANCHES = 64
# A query whose most selective word has fewer postings than this (the planner's statistics) is served
# by the word index and a sort instead: its few matches are cheap to sort.
TOKEN_MIN_MATCHES = 3_000
# A total counts matches from the postings of the most selective word; past this many postings tested
# (a province's share of a common word), what was found so far, rounded down, is the lower bound.
TOKEN_MAX_COUNT_SCAN = 200_000
# A subtree below an area (a commune, a grassroots committee) with at most this many members (its
# roll-up) is searched by reading its own members through the unit index and sorting the matches: a
# few thousand rows, where the area's postings of a common word hold hundreds of thousands, nearly all
# in other units (measured at 6M: 2.1 s for "nguyen van" in a commune through the province's postings).
SUBTREE_SCAN_UP_TO = 30_000


@dataclass(frozen=True)
class TokenPlan:
    """What a name search over a plain list needs to be answered from the name tokens: the folded query
    words, and the subtree's path (None: every member). Only for lists filtered by nothing else than
    the unit subtree and the name (the caller checks)."""

    terms: tuple[str, ...]
    path: str | None
    # One request's answers to the vocabulary and planner questions (``_memo``), shared by its page and
    # its total.
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)


def _after(prefix: str) -> str:
    """The least string above every string starting with ``prefix`` (code-point order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _completions(terms: Iterable[str]) -> dict[str, list[str]]:
    """The known words each query word starts (at most ``TOKEN_MAX_BRANCHES`` + 1 of them): one query."""
    from dangvu.members.models import NameWord

    terms = list(terms)
    condition = Q()
    for term in terms:
        condition |= Q(word__gte=term, word__lt=_after(term))
    found: dict[str, set[str]] = {term: set() for term in terms}
    limit = (TOKEN_MAX_BRANCHES + 1) * len(terms)
    for word in NameWord.objects.filter(condition).order_by("word").values_list("word", flat=True)[:limit]:
        for term in terms:
            if word.startswith(term) and len(found[term]) <= TOKEN_MAX_BRANCHES:
                found[term].add(word)
    return {term: sorted(words) for term, words in found.items()}


def _word_frequencies() -> tuple[dict[str, float], float, float]:
    """({word: share of the postings} for the commonest words, the share of any other word, the number
    of postings): the planner's statistics of the name tokens, read once every few minutes (one
    catalogue query instead of an EXPLAIN per word and request)."""

    def read() -> tuple[dict[str, float], float, float]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.most_common_vals::text::text[], s.most_common_freqs, s.n_distinct, c.reltuples"
                " FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname AND s.attname = 'word'"
                " AND s.schemaname = current_schema() WHERE c.relname = 'members_membernametoken'"
            )
            row = cursor.fetchone()
        words, shares, distinct, rows = row if row else (None, None, None, 0)
        common = dict(zip(words or [], shares or [], strict=False))
        rows = max(float(rows or 0), 0.0)
        distinct = float(distinct or 0)
        if distinct < 0:
            distinct = -distinct * rows
        rest = max(0.0, 1.0 - sum(common.values()))
        other = rest / max(1.0, distinct - len(common)) if distinct else 1.0
        return (common, other, rows)

    return planner_statistics("members.name_tokens", read)


def _estimated_postings(words: list[str]) -> float:
    common, other, rows = _word_frequencies()
    return sum(common.get(word, other) for word in words) * rows


@dataclass(frozen=True)
class _TokenQuery:
    """A token search: the driver (the query word with the fewest postings) with its completions, the
    other words (checked on the same member's tokens, the rarest first), the area whose postings are
    read (None: the country's) and the subtree the units of those postings are checked against (None:
    every posting read is in scope)."""

    driver: str
    words: list[str]
    others: list[str]
    area: str | None
    subtree: str | None
    postings: float


def _areas(path: str | None) -> tuple[str | None, str | None]:
    """(area, subtree) of a search within the subtree at ``path`` (``_TokenQuery``): a province reads
    its own postings and checks nothing more; a unit below one reads its province's postings and checks
    their units; the root (or everything) reads the country's."""
    if path is None:
        return None, None
    if len(path) < AREA_LENGTH:
        return None, path
    if len(path) == AREA_LENGTH:
        return path, None
    return path[:AREA_LENGTH], path


def _token_query(plan: TokenPlan) -> _TokenQuery | None:
    if connection.vendor != "postgresql" or not plan.terms:
        return None
    return _memo(plan.memo, "token_query", lambda: _build_token_query(plan))


def _plan_completions(plan: TokenPlan, terms: Iterable[str]) -> dict[str, list[str]]:
    terms = tuple(terms)
    return _memo(plan.memo, ("completions", terms), lambda: _completions(terms))


def _build_token_query(plan: TokenPlan) -> _TokenQuery | None:
    completions = _plan_completions(plan, plan.terms)
    if any(not words or len(words) > TOKEN_MAX_BRANCHES for words in completions.values()):
        return None
    postings = {t: _estimated_postings(completions[t]) for t in plan.terms}
    driver = min(plan.terms, key=lambda t: (postings[t], -len(t)))
    if postings[driver] < TOKEN_MIN_MATCHES:
        return None
    others = sorted((t for t in plan.terms if t != driver), key=lambda t: postings[t])
    area, subtree = _areas(plan.path)
    return _TokenQuery(driver, completions[driver], others, area, subtree, postings[driver])


def _area(query: _TokenQuery) -> tuple[str, list[Any]]:
    """The condition on a posting ``t`` that it lies in the query's area (nothing for the country's)."""
    return (" AND t.area = %s", [query.area]) if query.area is not None else ("", [])


def _conditions(query: _TokenQuery) -> tuple[str, list[Any]]:
    """The conditions on a posting ``t`` of the driver besides its word: in the area and the subtree,
    and each other query word starting a word of the same member's name (a probe of the tokens'
    primary key). Only fixed SQL is joined here; every value is a parameter."""
    sql, params = _area(query)
    if query.subtree is not None:
        # The subtree's units hashed once (a constant array would be searched row by row).
        sql += " AND t.org_id IN (SELECT id FROM orgs_org WHERE path >= %s AND path < %s)"
        params += [query.subtree, _after(query.subtree)]
    for term in query.others:
        sql += (
            " AND EXISTS (SELECT 1 FROM members_membernametoken o"
            " WHERE o.member_id = t.member_id AND o.word >= %s AND o.word < %s)"
        )
        params += [term, _after(term)]
    return sql, params


def token_page(plan: TokenPlan, offset: int, limit: int) -> list[int] | None:
    """Keys of the members on one page of a plain name search, in name order, read from the name
    tokens; None when the general plan should serve it (another database, a deep page, a query
    word with very many completions, or few matches).

    One word: for each of its completions an index-only range of its postings in name order (the
    area's, for a search within a province or below), merged in that order (a member whose name holds
    two completions comes twice, side by side: ``DISTINCT`` keeps one), each posting kept when its unit
    is in the subtree; the scan stops at the page's last row. Several words over the country or a whole
    area: ``_zigzag_page``; below an area, the driver's postings with the other words probed."""
    if offset + limit > TOKEN_MAX_DEPTH or limit <= 0:
        return None
    query = _token_query(plan)
    if query is None:
        return None
    if _scans_subtree(plan, query):
        return _subtree_page(plan, offset, limit)
    if query.others and query.subtree is None:
        if _few_matches(plan):
            # In a province, the words' postings there intersected; else (or when a word has too
            # many postings there) the word index finds them and they are sorted (the general plan).
            found = _area_matches(plan, query)
            return (
                None if found is None else [member_id for _key, member_id in found[offset : offset + limit]]
            )
        return _zigzag_page(plan, query, offset, limit)
    where, params = _conditions(query)
    branch = (
        "(SELECT t.sort_key, t.member_id FROM members_membernametoken t WHERE t.word = %s"  # noqa: S608
        + where
        + " ORDER BY t.sort_key, t.member_id LIMIT %s)"
    )
    # Each branch stops at the page's last row (a member is once in a branch, so the first ``wanted``
    # distinct members are among the first ``wanted`` of each): ordered index scans, not a sort.
    sql = (
        "SELECT DISTINCT sort_key, member_id FROM ("  # noqa: S608 (fixed SQL; values are parameters)
        + " UNION ALL ".join([branch] * len(query.words))
        + ") u ORDER BY sort_key, member_id LIMIT %s OFFSET %s"
    )
    arguments: list[Any] = []
    for word in query.words:
        arguments += [word, *params, offset + limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*arguments, limit, offset])
        return [member_id for _key, member_id in cursor.fetchall()]


# A search of several words expected (the word index's statistics, which know how often a common word
# meets another through their pair) to match at most this many members in the country is served by the
# word index and a sort: the leapfrog would walk past many near-misses to find them.
TOKEN_FEW_MATCHES = 5_000


def _few_matches(plan: TokenPlan) -> bool:
    choice = _PlanChoice(plan.terms, "members_member", plan.memo)
    tsquery = choice.tsquery
    estimate = _memo(
        plan.memo, ("estimate", tsquery), lambda: estimated_matches("members_member", WORDS_COLUMN, tsquery)
    )
    return bool(estimate <= TOKEN_FEW_MATCHES)


# A zigzag page takes at most this many steps (each an index descent per word completion), and at most
# ``TOKEN_MAX_SEEKS`` descents in all; past them the words rarely meet in name order (``_split_page``).
TOKEN_MAX_STEPS = 3_000
TOKEN_MAX_SEEKS = 4_000
# A part of a split page (``_split_page``) expected to match at most this many members in the country is
# read through the word index and sorted, without trying the leapfrog first.
TOKEN_SPLIT_WORD_INDEX_UP_TO = 5_000
# A query word with more completions than this is not split: the general plan serves the page.
TOKEN_SPLIT_MAX_COMPLETIONS = 6


def _zigzag_page(plan: TokenPlan, query: _TokenQuery, offset: int, limit: int) -> list[int] | None:
    """A page of a search of several words over the country or one area (province): their posting
    lists intersected in name order by leapfrog (``_leapfrog``); when they rarely meet in that order
    (the steps run out), the query word with several completions is split (``_split_page``)."""
    completions = _plan_completions(plan, plan.terms)  # the same question as the plan's: remembered
    wanted = offset + limit
    found = _leapfrog(query, completions, wanted)
    if found is None:
        found = _split_page(query, completions, wanted)
    return None if found is None else [member_id for _key, member_id in found[offset:wanted]]


def _split_page(
    query: _TokenQuery, completions: dict[str, list[str]], wanted: int
) -> list[tuple[str, int]] | None:
    """The first ``wanted`` matches when the leapfrog of every word ran out of steps: the query word
    with the most completions ("tra": "trang", "tram", and the family name "tran", which meets "nguyen
    thi" rarely) is split into one search per completion, each by leapfrog or, when that runs out too
    (the words rarely meet: few matches), by the word index and a sort; the parts merged in name order
    (a member holding two completions is in two parts: kept once). None: one completion each (the
    general plan serves the page)."""
    split = max(completions, key=lambda term: len(completions[term]))
    if not 1 < len(completions[split]) <= TOKEN_SPLIT_MAX_COMPLETIONS:
        return None
    found: set[tuple[str, int]] = set()
    for word in completions[split]:
        part = completions | {split: [word]}
        tsquery = tsquery_of({term: set(words) for term, words in part.items()})
        # Few matches in the country (the planner's estimate, which knows how often a common word
        # meets another through their pair): the word index reads them at once.
        few = estimated_matches("members_member", WORDS_COLUMN, tsquery) <= TOKEN_SPLIT_WORD_INDEX_UP_TO
        keys = None if few else _leapfrog(query, part, wanted)
        found.update(keys if keys is not None else _word_index_page(query, tsquery, wanted))
    return sorted(found)[:wanted]


def _word_index_page(query: _TokenQuery, tsquery: str, wanted: int) -> list[tuple[str, int]]:
    """The first ``wanted`` members (in the query's area) matching ``tsquery`` through the word index
    (``search_words``) and a sort: for words that meet rarely."""
    words = WORDS_SQL.format(column=WORDS_COLUMN)
    sql = f"SELECT m.sort_key, m.id FROM members_member m WHERE {words} @@ %s::tsquery"  # noqa: S608
    params: list[Any] = [tsquery]
    if query.area is not None:
        sql += " AND m.org_id IN (SELECT id FROM orgs_org WHERE path >= %s AND path < %s)"
        params += [query.area, _after(query.area)]
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY m.sort_key || '', m.id LIMIT %s", [*params, wanted])
        return [(key, member_id) for key, member_id in cursor.fetchall()]


def _leapfrog(
    query: _TokenQuery, completions: dict[str, list[str]], wanted: int
) -> list[tuple[str, int]] | None:
    """The first ``wanted`` (sort key, member) of a search of several words over the country or one
    area: their posting lists (the area's) intersected in name order by leapfrog (one recursive query).
    From a position in name order, each word in turn seeks its first posting at or after the previous
    word's (one index descent per completion, the least of them); when the last word lands on the
    member the first word found, that member matches, and the search goes on after it; otherwise it
    goes on from where the last word landed. Every step skips the runs of postings that cannot match,
    however long: a word's postings lie in blocks of the same given and middle name, so two common
    words meet after a few hundred steps where testing every posting of the rarer one took hundreds of
    thousands of probes. None: the steps ran out before ``wanted`` matches (the words rarely meet)."""
    terms = [query.driver, *query.others]
    in_area, area_params = _area(query)
    params: list[Any] = []
    joins = []
    previous = "z"
    for i, term in enumerate(terms):
        position = "(z.sk, z.mid)" if i == 0 else f"(n{i - 1}.sk, n{i - 1}.mid)"
        branches = []
        for word in completions[term]:
            branches.append(
                "(SELECT t.sort_key AS sk, t.member_id AS mid, t.org_id AS org"  # noqa: S608
                " FROM members_membernametoken t"
                f" WHERE t.word = %s{in_area} AND (t.sort_key, t.member_id) >= {position}"
                " ORDER BY t.sort_key, t.member_id LIMIT 1)"
            )
            params += [word, *area_params]
        seek = (
            branches[0]
            if len(branches) == 1
            else "(SELECT sk, mid, org FROM ("  # noqa: S608
            + " UNION ALL ".join(branches)
            + ") u ORDER BY sk, mid LIMIT 1)"
        )
        joins.append(f" CROSS JOIN LATERAL {seek} n{i}")
        previous = f"n{i}"
    scope = "TRUE"
    if query.subtree is not None:
        scope = "EXISTS (SELECT 1 FROM orgs_org g WHERE g.id = n0.org AND g.path >= %s AND g.path < %s)"
        params += [query.subtree, _after(query.subtree)]
    meet = f"{previous}.mid = n0.mid"
    steps = max(1, min(TOKEN_MAX_STEPS, TOKEN_MAX_SEEKS // sum(len(completions[t]) for t in terms)))
    sql = (
        "WITH RECURSIVE z(sk, mid, counted, found, steps) AS ("  # noqa: S608 (fixed SQL; values are parameters)
        " SELECT ''::text COLLATE \"C\", 0::bigint, false, 0, 0"
        " UNION ALL"
        f" SELECT {previous}.sk, CASE WHEN {meet} THEN n0.mid + 1 ELSE {previous}.mid END,"
        " s.counted, z.found + s.counted::int, z.steps + 1"
        " FROM z" + "".join(joins) + f" CROSS JOIN LATERAL (SELECT {meet} AND {scope} AS counted) s"  # noqa: S608
        " WHERE z.found < %s AND z.steps < %s)"
        " SELECT sk, mid - 1, counted, steps FROM z WHERE counted OR steps = %s ORDER BY sk, mid"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, wanted, steps, steps])
        rows = cursor.fetchall()
    found = [(key, member_id) for key, member_id, counted, _steps in rows if counted]
    if len(found) < wanted and any(taken >= steps for _key, _member, _counted, taken in rows):
        return None  # the steps ran out before the page was full: the words rarely meet
    return found


def token_total(plan: TokenPlan, cap: int) -> tuple[int, bool] | None:
    """(count, exact) of a plain name search from the name tokens: exact up to ``cap``; past it
    (cap, False), "more than ``cap``". The driver's postings are tested in index order until ``cap`` + 1
    members match (a member counted at the first completion of the driver in its name only), at most
    ``_count_budget`` postings: when they run out first (a common word in a small share of the country,
    or words that rarely meet), the count found so far, rounded down to a round number (1,000s or
    100s), is a true lower bound. None: use the general count."""
    query = _token_query(plan)
    if query is None:
        return None
    if query.others and query.area is None and query.subtree is None:
        # Several words across the country: the word index's count (measured faster than probing the
        # postings of the rarest word, which meet the others' thousands of times before the cap, and
        # than intersecting their postings, area by area or whole: 0.2-0.4 s at 1M members), also when
        # the matches are so many that the general plan walks the name order for its page (a count
        # that way tests hundreds of thousands of names: 0.5-3.9 s at 6M for "nguyen ngoc").
        return _word_index_count(plan, cap)
    if _scans_subtree(plan, query):
        return _subtree_total(plan), True
    if not query.others and query.subtree is None:
        counted = _word_postings(query, cap)
        if counted is not None:
            return counted
    if query.others and query.subtree is None:
        counted = _intersected_postings(plan, query, cap)
        if counted is not None:
            return counted
    where, params = _conditions(query)
    first = ""
    first_params: list[Any] = []
    if len(query.words) > 1:
        first = (
            " AND NOT EXISTS (SELECT 1 FROM members_membernametoken d"
            " WHERE d.member_id = t.member_id AND d.word >= %s AND d.word < t.word)"
        )
        first_params = [query.driver]
    budget = _count_budget(query)
    in_area, area_params = _area(query)
    # The area's condition is applied again outside the budget's subquery (harmless), with the rest.
    sql = (
        "SELECT count(*) FROM (SELECT 1 FROM (SELECT t.member_id, t.org_id, t.word, t.area"  # noqa: S608
        f" FROM members_membernametoken t WHERE t.word = ANY(%s){in_area} LIMIT %s) t"
        f" WHERE TRUE{where}{first} LIMIT %s) s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [query.words, *area_params, budget, *params, *first_params, cap + 1])
        (members,) = cursor.fetchone()
        if members > cap:
            return cap, False
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM members_membernametoken t"  # noqa: S608
            f" WHERE t.word = ANY(%s){in_area} LIMIT %s) s",
            [query.words, *area_params, budget + 1],
        )
        (postings,) = cursor.fetchone()
    if postings <= budget:
        return members, True
    for step in (1_000, 100):
        if members >= step:
            return members // step * step, False
    return None


# A total of several words in an area intersects their postings there when each word has at most this
# many (a province's "nguyen" at 6M: about 70,000).
TOKEN_MAX_INTERSECTED = 200_000


# Few matches in a province are found by intersecting the words' postings there while all of them hold
# at most this many postings in the country (a province holds about 1/34 of them at 6M).
TOKEN_MAX_AREA_MATCHES_POSTINGS = 1_000_000


def _area_matches(plan: TokenPlan, query: _TokenQuery) -> list[tuple[str, int]] | None:
    """Every (sort key, member) matching several words in the query's area, in name order: the words'
    postings there intersected (for few matches; remembered for the list's total). None: not an area,
    or a word has more than ``TOKEN_MAX_INTERSECTED`` postings there."""
    if query.area is None:
        return None
    completions = _plan_completions(plan, plan.terms)
    if sum(_estimated_postings(words) for words in completions.values()) > TOKEN_MAX_AREA_MATCHES_POSTINGS:
        return None  # the word index and a sort cost less than reading so many postings
    area = query.area
    return _memo(plan.memo, "area_matches", lambda: _read_area_matches(plan, query, area))


def _area_postings(
    plan: TokenPlan, query: _TokenQuery, area: str, columns: str
) -> tuple[list[str], list[Any], list[str]]:
    """One materialized list per word of ``query``: its completions' postings in ``area`` (``columns``
    of each), at most ``TOKEN_MAX_INTERSECTED + 1`` rows; (the CTEs, their parameters, their names)."""
    completions = _plan_completions(plan, plan.terms)
    lists: list[str] = []
    params: list[Any] = []
    for i, term in enumerate([query.driver, *query.others]):
        lists.append(
            f"l{i} AS MATERIALIZED (SELECT {columns} FROM members_membernametoken t"  # noqa: S608
            " WHERE t.word = ANY(%s) AND t.area = %s LIMIT %s)"
        )
        params += [completions[term], area, TOKEN_MAX_INTERSECTED + 1]
    return lists, params, [f"l{i}" for i in range(len(lists))]


def _read_area_matches(plan: TokenPlan, query: _TokenQuery, area: str) -> list[tuple[str, int]] | None:
    lists, params, names = _area_postings(plan, query, area, "t.member_id, t.sort_key")
    most = ", ".join(f"(SELECT count(*) FROM {name})" for name in names)  # noqa: S608 (fixed SQL)
    common = " INTERSECT ".join(f"SELECT member_id, sort_key FROM {name}" for name in names)  # noqa: S608
    # One row per match with the longest list's length (one row of NULLs when nothing matches).
    sql = f"WITH {', '.join(lists)}, m AS ({common}) SELECT greatest({most}), m.sort_key, m.member_id"
    with connection.cursor() as cursor:
        cursor.execute(sql + " FROM (SELECT 1) one LEFT JOIN m ON TRUE ORDER BY 2, 3", params)
        rows = cursor.fetchall()
    if rows[0][0] > TOKEN_MAX_INTERSECTED:
        return None
    return [(key, member_id) for _most, key, member_id in rows if member_id is not None]


def _intersected_postings(plan: TokenPlan, query: _TokenQuery, cap: int) -> tuple[int, bool] | None:
    """The total of several words in one area: the members in every word's postings there (each read
    index-only, hashed, intersected; a member holding two completions of a word counts once), exact when
    no word has more than ``TOKEN_MAX_INTERSECTED`` postings there, else None."""
    if query.area is None:
        return None
    found = plan.memo.get("area_matches")
    if found is not None:  # the page read every match
        return (cap, False) if len(found) > cap else (len(found), True)
    members, complete = _intersect_in_area(plan, query, query.area)
    if members > cap:
        return cap, False
    return (members, True) if complete else None


def _intersect_in_area(plan: TokenPlan, query: _TokenQuery, area: str) -> tuple[int, bool]:
    """(members matching every word in ``area``, whether every word's postings were read whole)."""
    lists, params, names = _area_postings(plan, query, area, "t.member_id")
    counts = ", ".join(f"(SELECT count(*) FROM {name})" for name in names)  # noqa: S608 (fixed SQL)
    common = " INTERSECT ".join(f"SELECT member_id FROM {name}" for name in names)  # noqa: S608
    sql = f"WITH {', '.join(lists)} SELECT {counts}, (SELECT count(*) FROM ({common}) s)"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        *postings, members = cursor.fetchone()
    return int(members), max(postings) <= TOKEN_MAX_INTERSECTED


def _word_index_count(plan: TokenPlan, cap: int) -> tuple[int, bool]:
    """The members matching every query word, counted through the word index up to ``cap`` + 1."""
    choice = _PlanChoice(plan.terms, "members_member", plan.memo)
    words = WORDS_SQL.format(column=WORDS_COLUMN)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM members_member WHERE {words} @@ %s::tsquery LIMIT %s) s",  # noqa: S608
            [choice.tsquery, cap + 1],
        )
        (members,) = cursor.fetchone()
    return (cap, False) if members > cap else (int(members), True)


def _word_postings(query: _TokenQuery, cap: int) -> tuple[int, bool] | None:
    """The total of a one-word search over the country or a whole area from its completions' postings
    alone (index-only ranges, no probe of each member's other tokens). A member holds a word once, so a
    completion with more than ``cap`` postings proves "more than ``cap``" and a single completion's
    postings are the exact count; several completions, each within the cap, are counted as distinct
    members (a member may hold two of them) while their postings are few. None otherwise."""
    in_area, area_params = _area(query)
    branch = (
        "SELECT count(*) AS n FROM (SELECT 1 FROM members_membernametoken t"  # noqa: S608 (fixed SQL)
        f" WHERE t.word = %s{in_area} LIMIT %s) p"
    )
    common, _other, _rows = _word_frequencies()
    # The commonest completion alone first: it usually proves "more than cap" by itself.
    commonest = max(query.words, key=lambda word: common.get(word, 0.0))
    with connection.cursor() as cursor:
        for words in ([commonest], query.words) if len(query.words) > 1 else ([commonest],):
            params: list[Any] = []
            for word in words:
                params += [word, *area_params, cap + 1]
            cursor.execute(
                "SELECT max(n), sum(n) FROM (" + " UNION ALL ".join([branch] * len(words)) + ") c",  # noqa: S608
                params,
            )
            most, postings = cursor.fetchone()
            if most > cap:
                return cap, False
        if len(query.words) == 1:
            return int(most), True
        if postings > TOKEN_MAX_COUNT_SCAN // 2:
            return None
        cursor.execute(
            "SELECT count(DISTINCT t.member_id) FROM members_membernametoken t"  # noqa: S608 (fixed SQL)
            f" WHERE t.word = ANY(%s){in_area}",
            [query.words, *area_params],
        )
        (members,) = cursor.fetchone()
    return (cap, False) if members > cap else (int(members), True)


def _count_budget(query: _TokenQuery) -> int:
    """How many postings of the driver a total may test: each posting of a one-word search costs an
    index entry (and a set lookup for a subtree), one of several words a probe per other word."""
    return TOKEN_MAX_COUNT_SCAN if not query.others else TOKEN_MAX_COUNT_SCAN // 10


def _scans_subtree(plan: TokenPlan, query: _TokenQuery) -> bool:
    """Whether the query's subtree (below an area) is small enough to be read whole (``_subtree_page``)."""
    if query.subtree is None or query.area is None:
        return False
    return bool(
        _memo(plan.memo, "subtree_members", lambda: _subtree_members(query.subtree)) <= SUBTREE_SCAN_UP_TO
    )


def _subtree_members(path: str | None) -> int:
    """The current members of the subtree at ``path`` from its roll-up (an estimate for the plan: members
    of other statuses are read too, and are few); a unit without a roll-up row has none."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.probationary + c.official + c.exempt + c.transferring"
            " FROM members_orgmembercount c JOIN orgs_org o ON o.id = c.org_id WHERE o.path = %s",
            [path],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _subtree_matches(plan: TokenPlan) -> tuple[str, list[Any]]:
    """The members of the plan's subtree whose name has a word starting with each query word: the
    subtree's members read through the unit index first (``MATERIALIZED``: the planner must not start
    from a word index or the name order, which hold the whole country), then each word tested on the
    folded name (a word of it starts with the query word exactly when " word" occurs in " name", the
    tokens' meaning; ``strpos`` needs no escaping of ``%`` or ``_``)."""
    path = plan.path or ""
    sql = (
        "WITH s AS MATERIALIZED (SELECT m.id, m.sort_key, ' ' || m.search_text AS words"  # noqa: S608
        " FROM members_member m WHERE m.org_id IN (SELECT id FROM orgs_org WHERE path >= %s AND path < %s))"
        " SELECT s.id, s.sort_key FROM s WHERE " + " AND ".join(["strpos(s.words, %s) > 0"] * len(plan.terms))
    )
    return sql, [path, _after(path), *(" " + term for term in plan.terms)]


def _subtree_page(plan: TokenPlan, offset: int, limit: int) -> list[int]:
    sql, params = _subtree_matches(plan)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY s.sort_key, s.id LIMIT %s OFFSET %s", [*params, limit, offset])
        return [member_id for member_id, _key in cursor.fetchall()]


def _subtree_total(plan: TokenPlan) -> int:
    sql, params = _subtree_matches(plan)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) c", params)  # noqa: S608 (fixed SQL)
        return int(cursor.fetchone()[0])
