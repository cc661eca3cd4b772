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
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Q

from dangvu.core.search import WORDS_SQL, Unindexed, WordsMatch, lexeme

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
# The member name tokens (``MemberNameToken``): how a bulk load fills them and builds their name-order
# index (the same statements as migration 0022, which also installs the trigger that keeps them).
NAME_POSTINGS_FILL_SQL = """
INSERT INTO members_membernametoken (member_id, word, sort_key, org_id)
SELECT m.id, t.word, m.sort_key, m.org_id
FROM members_member m,
LATERAL (SELECT DISTINCT left(w, 60) AS word FROM unnest(string_to_array(m.search_text, ' ')) AS w WHERE w <> '') t
"""
NAME_POSTINGS_INDEX_SQL = (
    "CREATE INDEX member_token_order_idx ON members_membernametoken"
    " (word, sort_key, member_id) INCLUDE (org_id)"
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


def word_search(queryset: Any, terms: list[str]) -> Any:
    """PostgreSQL: few matches are read through the word index and sorted (``name_key`` keeps the
    name-order index out of it); many matches are found by walking the name-order index, which holds
    the folded name, and testing each entry with ``LIKE`` (cheaper per row than building its words)."""
    from dangvu.core.search import filter_search

    tsquery = tsquery_for(terms)
    if estimated_matches(queryset.model._meta.db_table, WORDS_COLUMN, tsquery) <= SORT_MATCHES_UP_TO:
        return queryset.filter(WordsMatch(F(WORDS_COLUMN), tsquery)).alias(name_key=Unindexed(F("sort_key")))
    return filter_search(queryset, " ".join(terms))


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
# Deeper pages than this, or a first word with more known completions, take the general plan.
TOKEN_MAX_DEPTH = 2_000
TOKEN_MAX_BRANCHES = 64
# A query whose matches the planner puts below this is served by the word index and a sort instead:
# its few matches are cheap to sort, and the token walk would test many postings of its commonest word.
TOKEN_MIN_MATCHES = 3_000
# The token walk tests the postings of the most selective word in name order until a page is found:
# past this many expected tests (few matches in the subtree for that word's postings), the general plan.
TOKEN_MAX_SCAN = 20_000
TOKEN_MAX_COUNT_SCAN = 20_000


@dataclass(frozen=True)
class TokenPlan:
    """What a name search over a plain list needs to be answered from the name tokens: the folded query
    words, and the subtree's path (None: every member). Only for lists filtered by nothing else than
    the unit subtree and the name (the caller checks)."""

    terms: tuple[str, ...]
    path: str | None


def _after(prefix: str) -> str:
    """The least string above every string starting with ``prefix`` (code-point order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _completions(terms: Iterable[str]) -> dict[str, list[str]]:
    from dangvu.members.models import NameWord

    found: dict[str, set[str]] = {term: set() for term in terms}
    for term in found:
        words = NameWord.objects.filter(word__startswith=term).values_list("word", flat=True)
        found[term] = set(words[: TOKEN_MAX_BRANCHES + 1])
    return {term: sorted(words) for term, words in found.items()}


def _estimated_postings(words: list[str]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM members_membernametoken WHERE word = ANY(%s)", [words]
        )
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _scope_share(path: str | None) -> float:
    """The subtree's share of all current members (from the roll-ups; 1 for everything)."""
    if path is None:
        return 1.0
    from dangvu.members.models import OrgMemberCount

    counts = dict(
        OrgMemberCount.objects.filter(org__path__in=[path, path[:4]]).values_list("org__path", "official")
    )
    whole = counts.get(path[:4]) or 0
    return min(1.0, (counts.get(path) or 0) / whole) if whole else 1.0


def _token_sql(plan: TokenPlan, completions: dict[str, list[str]]) -> tuple[str, list[Any], str, int] | None:
    """The conditions on a posting ``t`` of the most selective query word (the driver, returned with
    them) besides its word: in the subtree, and each other query word starting a word of the same
    member's name (checked on that member's tokens: a primary-key probe). Only fixed SQL is joined
    here; every value is a parameter."""
    if not plan.terms or any(not words for words in completions.values()):
        return None
    if any(len(words) > TOKEN_MAX_BRANCHES for words in completions.values()):
        return None
    postings = {t: _estimated_postings(completions[t]) for t in plan.terms}
    driver = min(plan.terms, key=lambda t: (postings[t], -len(t)))
    conditions: list[str] = []
    params: list[Any] = []
    if plan.path is not None:
        conditions.append("t.org_id IN (SELECT id FROM orgs_org WHERE path >= %s AND path < %s)")
        params += [plan.path, _after(plan.path)]
    for term in plan.terms:
        if term != driver:
            conditions.append(
                "EXISTS (SELECT 1 FROM members_membernametoken o"
                " WHERE o.member_id = t.member_id AND o.word >= %s AND o.word < %s)"
            )
            params += [term, _after(term)]
    return "".join(f" AND {c}" for c in conditions), params, driver, postings[driver]


def token_page(plan: TokenPlan, offset: int, limit: int) -> list[int] | None:
    """Keys of the members on one page of a plain name search, in name order, read from the name
    tokens; None when the general plan should serve it (another database, a deep page, a query
    word with very many completions, or few matches)."""
    if connection.vendor != "postgresql" or offset + limit > TOKEN_MAX_DEPTH or limit <= 0:
        return None
    completions = _completions(plan.terms)
    built = _token_sql(plan, completions)
    if built is None:
        return None
    where, params, driver, postings = built
    # One branch per completion of the driver, each an index-only scan in name order, merged in order.
    branch = (
        "(SELECT t.sort_key, t.member_id FROM members_membernametoken t WHERE t.word = %s"  # noqa: S608
        + where
        + " ORDER BY t.sort_key, t.member_id LIMIT %s)"
    )
    wanted = offset + limit
    matches = estimated_matches("members_member", WORDS_COLUMN, tsquery_for(plan.terms))
    if matches < TOKEN_MIN_MATCHES:
        return None
    # Postings tested to find the page: all of the driver's in the subtree's share of the matches.
    in_scope = matches * _scope_share(plan.path)
    if postings * min(1.0, wanted / max(in_scope, 1.0)) > TOKEN_MAX_SCAN:
        return None
    fetch = wanted
    while True:
        words = completions[driver]
        sql = (
            "SELECT sort_key, member_id FROM ("  # noqa: S608 (fixed SQL; values are parameters)
            + " UNION ALL ".join([branch] * len(words))
            + ") u ORDER BY sort_key, member_id LIMIT %s"
        )
        arguments: list[Any] = []
        for word in words:
            arguments += [word, *params, fetch]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*arguments, fetch])
            rows = cursor.fetchall()
        # A member whose name has two completions of the word appears once per completion, side by side.
        keys = list(dict.fromkeys(member_id for _key, member_id in rows))
        if len(rows) < fetch or len(keys) >= wanted:
            return keys[offset:wanted]
        fetch *= 2


def token_total(plan: TokenPlan, cap: int) -> tuple[int, bool] | None:
    """(count, exact) of a plain name search from the name tokens: exact up to ``cap``; past it
    (cap, False), "more than ``cap``". At most a bounded number of postings of the most selective word
    are tested; when they run out before the matches do, the count found so far, rounded down to a
    round number (1,000s or 100s), is a true lower bound. None: use the general count."""
    if connection.vendor != "postgresql":
        return None
    completions = _completions(plan.terms)
    built = _token_sql(plan, completions)
    if built is None:
        return None
    where, params, driver, _postings = built
    scope, checks = (where, "TRUE") if len(plan.terms) == 1 else _split_checks(where, plan)
    budget = TOKEN_MAX_COUNT_SCAN if len(plan.terms) == 1 else TOKEN_MAX_SCAN
    scope_params = params[:2] if plan.path is not None else []
    sql = (
        "SELECT count(*), count(DISTINCT member_id) FILTER (WHERE ok) FROM ("  # noqa: S608
        f"SELECT t.member_id, {checks} AS ok FROM members_membernametoken t WHERE t.word = ANY(%s){scope}"
        " LIMIT %s) s"
    )
    check_params = params[len(scope_params) :]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*check_params, completions[driver], *scope_params, budget])
        scanned, members = cursor.fetchone()
    if members > cap:
        return cap, False
    if scanned < budget:
        return members, True
    for step in (1_000, 100):
        if members >= step:
            return members // step * step, False
    return None


def _split_checks(where: str, plan: TokenPlan) -> tuple[str, str]:
    """``where`` (as ``_token_sql`` builds it) cut into the subtree condition and the other words'
    checks joined into one boolean expression."""
    parts = [p for p in where.split(" AND EXISTS ") if p]
    scope = parts[0] if plan.path is not None else ""
    checks = parts[1:] if plan.path is not None else [p.removeprefix(" AND ") for p in parts]
    expression = " AND ".join(c if c.startswith("EXISTS") else "EXISTS " + c for c in checks)
    return scope, expression or "TRUE"
