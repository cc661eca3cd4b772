"""Deterministic demo data: a provincial party organisation (or the whole country) with members.

The same ``seed`` gives the same data. Units are bulk-inserted with their tree paths computed here;
members go through ``bulk_create`` (SQLite) or ``COPY`` (PostgreSQL, national scale).
"""

from __future__ import annotations

import itertools
import logging
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from treebeard.numconv import NumConv

from dangvu.core.text import fold, sort_key, text_sort_key
from dangvu.demo import names
from dangvu.members.enums import MemberStatus
from dangvu.members.models import Member
from dangvu.members.search import index_words, remember_words
from dangvu.orgs.models import Org, OrgType

_NUMCONV = NumConv(Org.alphabet)
logger = logging.getLogger(__name__)
STEPLEN = Org.steplen


@dataclass
class UnitSpec:
    name: str
    code: str
    type_code: str
    abbreviation: str
    path: str
    depth: int
    numchild: int = 0
    established_on: date | None = None


@dataclass
class Plan:
    units: list[UnitSpec] = field(default_factory=list)
    member_units: list[int] = field(default_factory=list)  # indexes into units that hold members
    province_codes: dict[int, int] = field(default_factory=dict)  # unit index -> CCCD province code


class TreeBuilder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.plan = Plan()
        self._child_counts: dict[str, int] = {}
        self._codes: set[str] = set()

    def add(
        self, parent: UnitSpec | None, name: str, code: str, type_code: str, abbreviation: str
    ) -> UnitSpec:
        parent_path = parent.path if parent else ""
        index = self._child_counts.get(parent_path, 0) + 1
        self._child_counts[parent_path] = index
        path = parent_path + _NUMCONV.int2str(index).rjust(STEPLEN, "0")
        while code in self._codes:
            code += "X"
        self._codes.add(code)
        unit = UnitSpec(
            name,
            code,
            type_code,
            abbreviation,
            path,
            len(path) // STEPLEN,
            established_on=date(2025, 7, 1) if type_code in {"dang-bo-xa"} else None,
        )
        if parent:
            parent.numchild += 1
        self.plan.units.append(unit)
        return unit

    def place(self) -> str:
        return " ".join(self.rng.sample(names.PLACE_WORDS, 2))

    def grassroots(self, parent: UnitSpec, prefix: str, count: int, province_index: int) -> None:
        for g in range(1, count + 1):
            pattern = self.rng.choice(names.GRASSROOTS_KINDS)
            name = pattern.format(n=g, p=self.place())
            if name.startswith("Đảng bộ"):
                unit = self.add(parent, name, f"{prefix}-{g:02d}", "dang-bo-co-so", "ĐU")
                for c in range(1, self.rng.randint(2, 4) + 1):
                    cell = self.add(
                        unit,
                        f"Chi bộ {c} — {name.removeprefix('Đảng bộ ')}",
                        f"{prefix}-{g:02d}-{c}",
                        "chi-bo-truc-thuoc",
                        "CB",
                    )
                    self._member_unit(cell, province_index)
            else:
                unit = self.add(parent, name, f"{prefix}-{g:02d}", "chi-bo-co-so", "CB")
                self._member_unit(unit, province_index)

    def _member_unit(self, unit: UnitSpec, province_index: int) -> None:
        self.plan.member_units.append(len(self.plan.units) - 1)
        self.plan.province_codes[len(self.plan.units) - 1] = province_index

    def province(
        self, parent: UnitSpec | None, province: tuple[str, str, int], communes: int, tccs: tuple[int, int]
    ) -> UnitSpec:
        name, code, cccd_code = province
        root = self.add(
            parent,
            f"Đảng bộ tỉnh {name}"
            if not name.startswith("Thành phố")
            and name not in {"Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Cần Thơ"}
            else f"Đảng bộ thành phố {name.removeprefix('Thành phố ')}",
            f"{code}",
            "dang-bo-tinh",
            "TU",
        )
        for c, committee in enumerate(names.PROVINCE_COMMITTEES, start=1):
            unit = self.add(root, committee, f"{code}-K{c}", "dang-uy-truc-thuoc-tinh", "ĐU")
            self.grassroots(unit, f"{code}-K{c}", self.rng.randint(*tccs), cccd_code)
        for c in range(1, communes + 1):
            kind = "Phường" if self.rng.random() < 0.35 else "Xã"
            unit = self.add(
                root, f"Đảng bộ {kind.lower()} {self.place()}", f"{code}-X{c:03d}", "dang-bo-xa", "ĐU"
            )
            self.grassroots(unit, f"{code}-X{c:03d}", self.rng.randint(*tccs), cccd_code)
        return root


def build_plan(*, seed: int, national: bool) -> Plan:
    rng = random.Random(seed)
    builder = TreeBuilder(rng)
    if national:
        centre = builder.add(None, "Đảng Cộng sản Việt Nam", "TW", "trung-uong", "TW")
        for province in names.PROVINCES:
            builder.province(centre, province, communes=rng.randint(80, 115), tccs=(6, 11))
        for central_name, code in names.CENTRAL:
            unit = builder.add(centre, central_name, code, "dang-bo-truc-thuoc-tw", "ĐU")
            for k in range(1, 41):
                sub = builder.add(
                    unit,
                    f"Đảng ủy {central_name.removeprefix('Đảng bộ ')} khối {k}",
                    f"{code}-K{k}",
                    "dang-uy-truc-thuoc-tinh",
                    "ĐU",
                )
                builder.grassroots(sub, f"{code}-K{k}", rng.randint(3, 8), 1)
    else:
        builder.province(None, ("Ninh Bình", "NB", 37), communes=20, tccs=(6, 12))
    return builder.plan


def insert_units(plan: Plan) -> list[int]:
    types = {t.code: t for t in OrgType.objects.all()}
    rows = []
    path_texts: dict[str, str] = {}
    for unit in sorted(plan.units, key=lambda u: u.depth):  # parents first
        parent_text = path_texts.get(unit.path[: -Org.steplen], "")
        path_texts[unit.path] = f"{parent_text} {fold(unit.name)}".strip()
    for unit in plan.units:
        org = Org(
            name=unit.name,
            code=unit.code,
            abbreviation=unit.abbreviation,
            org_type=types[unit.type_code],
            path=unit.path,
            depth=unit.depth,
            numchild=unit.numchild,
            established_on=unit.established_on,
        )
        org.search_text = fold(f"{unit.name} {unit.code} {unit.abbreviation}")
        org.sort_name = text_sort_key(unit.name)[:600]
        org.path_text = path_texts[unit.path]
        rows.append(org)
    Org.objects.bulk_create(rows, batch_size=2000)
    ids = dict(Org.objects.values_list("path", "pk").order_by())
    return [ids[unit.path] for unit in plan.units]


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> list[str]:
    """A table of 65,536 names in which each name appears in proportion to its weight (drawn with one
    ``getrandbits(16)``); every name appears at least once."""
    total = sum(max(w, 1) for _n, w in pairs)
    table = [n for n, w in pairs for _ in range(max(1, max(w, 1) * 65_536 // total))]
    table += rng.choices(
        [n for n, _w in pairs], weights=[max(w, 1) for _n, w in pairs], k=65_536 - len(table)
    )
    rng.shuffle(table)
    return table


_EPOCH = date(1940, 1, 1)
_DAYS = 365 * 87  # birth dates 1940–2006, admission dates up to 2026
_LAST_ADMISSION = (date(2025, 12, 31) - _EPOCH).days
_PROBATION_FROM = (date(2025, 1, 1) - _EPOCH).days
_BORN_1960 = (date(1960, 1, 1) - _EPOCH).days
_PROBATIONARY, _OFFICIAL, _EXEMPT = (
    MemberStatus.PROBATIONARY.value,
    MemberStatus.OFFICIAL.value,
    MemberStatus.EXEMPT.value,
)
_MAX_CHUNKS = 999  # each chunk owns its own block of 1,000 CCCD serials per (province, sex, year)


_EXTRA_FIELDS = (
    "ethnicity_id",
    "religion_id",
    "hometown",
    "phone",
    "general_education",
    "political_theory",
    "occupation",
    "file_number",
    "ceremony_day",
    "recognized_day",
)


class MemberFactory:
    """Generates member rows fast: dates, names, folded names and sort keys come from precomputed tables.

    Rows are made in chunks; chunk ``k`` has its own random stream (seeded from the seed and ``k``) and
    its own block of CCCD serials, so chunks can be made in parallel and the result is the same.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed * 7919 + 1)
        self.families = _weighted(self.rng, names.FAMILY)
        male = (_weighted(self.rng, names.MIDDLE_MALE), _weighted(self.rng, names.GIVEN_MALE))
        female = (_weighted(self.rng, names.MIDDLE_FEMALE), _weighted(self.rng, names.GIVEN_FEMALE))
        self.serials: dict[tuple[int, int, int], int] = {}
        self.block = 0
        self._derived: dict[str, tuple[str, str, str]] = {}
        self._name_columns: dict[str, str] = {}
        self.dates = [_EPOCH + timedelta(days=d) for d in range(_DAYS)]
        self.iso = [d.isoformat() for d in self.dates]
        self.year2 = [d.year % 100 for d in self.dates]
        self.century = [0 if d.year < 2000 else 2 for d in self.dates]
        self.hometowns = [f"Xã {a} {b}" for a in names.PLACE_WORDS for b in names.PLACE_WORDS if a != b]
        self.occupations = names.OCCUPATIONS
        self.male_names, self.female_names = male, female

    def derived(self, full_name: str) -> tuple[str, str, str]:
        value = self._derived.get(full_name)
        if value is None:
            folded = fold(full_name)
            value = (folded, sort_key(full_name)[:400], index_words(folded))
            self._derived[full_name] = value
        return value

    def start_chunk(self, index: int) -> None:
        self.rng.seed(self.seed * 1_000_003 + index)
        self.serials.clear()
        self.block = index

    def set_references(self, ethnicities: list[int], religions: list[int]) -> None:
        """Primary keys of the reference lists, most common first (Kinh; "Không" religion)."""
        self.ethnicities, self.religions = ethnicities, religions

    def extras(self, birth: int, admitted: int, status: str, cccd: str) -> dict[str, Any]:
        """The rest of a realistic file; about 1 in 20 is left incomplete for the data-quality page."""
        values = self._extras(birth, admitted, status, cccd)
        return dict(zip(_EXTRA_FIELDS, values, strict=True))

    def _extras(self, birth: int, admitted: int, status: str, cccd: str) -> tuple[Any, ...]:
        """``extras`` as a tuple in ``_EXTRA_FIELDS`` order. Hot path at national scale: one ``random()``
        per field and precomputed tables only."""
        rnd = self.rng.random
        incomplete = rnd() < 0.05
        roll = rnd()
        religion = self.religions[0] if roll < 0.85 else self.religions[int(roll * 100) % len(self.religions)]
        roll = rnd()
        ethnicity = (
            self.ethnicities[0]
            if roll < 0.86
            else self.ethnicities[int(roll * 1000) % min(15, len(self.ethnicities))]
        )
        roll = rnd()
        theory = (
            ""
            if roll < 0.30
            else "so-cap"
            if roll < 0.75
            else "trung-cap"
            if roll < 0.93
            else "cao-cap"
            if roll < 0.98
            else "cu-nhan"
        )
        ceremony = min(admitted + 10 + int(rnd() * 20), _LAST_ADMISSION)
        return (
            None if incomplete else ethnicity,
            religion,
            "" if incomplete else self.hometowns[int(rnd() * len(self.hometowns))],
            f"09{int(rnd() * 100_000_000):08d}",
            "12/12" if birth >= _BORN_1960 else "10/10",
            theory,
            self.occupations[int(rnd() * len(self.occupations))],
            None if incomplete else f"LL{cccd}",
            ceremony,
            None if status == _PROBATIONARY else min(ceremony + 365, _LAST_ADMISSION + 30),
        )

    def _pick(self, province_code: int) -> tuple[str, bool, int, str, str, int]:
        """(full name, female, birth day index, CCCD, status, admission day index)."""
        rng = self.rng
        female = rng.random() < 0.36
        family = self.families[rng.getrandbits(16)]
        middles, givens = self.female_names if female else self.male_names
        full_name = f"{family} {middles[rng.getrandbits(16)]} {givens[rng.getrandbits(16)]}"
        birth = int(rng.random() * 365 * 66)
        admitted = min(birth + 365 * 18 + int(rng.random() * 365 * 20), _LAST_ADMISSION)
        status = (
            _PROBATIONARY if admitted > _PROBATION_FROM else _EXEMPT if rng.random() < 0.03 else _OFFICIAL
        )
        century_sex = self.century[birth] + (1 if female else 0)
        bucket = (province_code, century_sex, self.year2[birth])
        serial = self.serials.get(bucket, 0) + 1
        if serial >= 1000:
            raise ValueError("too many members of one province, sex and birth year in one chunk")
        self.serials[bucket] = serial
        cccd = f"{province_code:03d}{century_sex}{self.year2[birth]:02d}{self.block * 1000 + serial:06d}"
        return full_name, female, birth, cccd, status, admitted

    def row(self, org_id: int, province_code: int) -> dict[str, Any]:
        full_name, female, birth, cccd, status, admitted = self._pick(province_code)
        folded, key, words = self.derived(full_name)
        extra = self.extras(birth, admitted, status, cccd)
        ceremony, recognized = extra.pop("ceremony_day"), extra.pop("recognized_day")
        return {
            "full_name": full_name,
            "sex": "female" if female else "male",
            "birth_date": self.dates[birth],
            "cccd": cccd,
            "org_id": org_id,
            "status": status,
            "admitted_on": self.dates[admitted],
            "ceremony_on": self.dates[ceremony],
            "recognized_on": self.dates[recognized] if recognized is not None else None,
            # The derived party-age start (no period out in the demo): what party_age_refresh stores.
            "party_age_from": self.dates[admitted],
            "search_text": folded,
            "search_words": words,
            "sort_key": key,
            **extra,
        }

    def copy_line(self, org_id: int | str, province_code: int) -> str:
        """The same row as ``row`` as one line of PostgreSQL COPY text (columns: ``MEMBER_COLUMNS``).

        The hot loop of a national seed (6 million calls): one f-string, and the four name columns
        joined once per distinct name."""
        full_name, female, birth, cccd, status, admitted = self._pick(province_code)
        names = self._name_columns.get(full_name)
        if names is None:
            folded, key, words = self.derived(full_name)
            names = self._name_columns[full_name] = f"{full_name}\t{folded}\t{words}\t{key}"
        (
            ethnicity,
            religion,
            hometown,
            phone,
            education,
            theory,
            occupation,
            file_number,
            ceremony,
            recognized,
        ) = self._extras(birth, admitted, status, cccd)
        iso = self.iso
        return (
            f"{names}\t{'female' if female else 'male'}\t{iso[birth]}\t{cccd}\t{org_id}\t{status}"
            f"\t{iso[admitted]}\t{iso[ceremony]}\t{_NULL if recognized is None else iso[recognized]}"
            f"\t{ethnicity or _NULL}\t{religion}\t{hometown}\t{phone}\t{education}\t{theory}"
            f"\t{occupation}\t{file_number or _NULL}\t{iso[admitted]}\n"
        )


_NULL = "\\N"  # COPY text format's null


@dataclass
class ChunkPlan:
    """How ``count`` members are spread over units and cut into chunks (shared with worker processes)."""

    seed: int
    count: int
    units: list[tuple[int, int]]  # (org id, CCCD province code) of every unit that holds members
    cum_weights: list[float]
    chunk_size: int

    @classmethod
    def make(cls, seed: int, count: int, units: list[tuple[int, int]]) -> ChunkPlan:
        rng = random.Random(seed)
        # Unit sizes vary (a small chi bộ thôn has a dozen members, a large one over a hundred).
        weights = [0.3 + rng.random() * 1.7 for _ in units]
        cum = list(itertools.accumulate(weights))
        chunk_size = max(-(-count // _MAX_CHUNKS), 2000)
        return cls(seed, count, units, cum, chunk_size)

    @property
    def chunks(self) -> int:
        return -(-self.count // self.chunk_size)

    def chunk_units(self, factory: MemberFactory, index: int) -> list[tuple[int, int]]:
        factory.start_chunk(index)
        size = min(self.chunk_size, self.count - index * self.chunk_size)
        picks = factory.rng.choices(range(len(self.units)), cum_weights=self.cum_weights, k=size)
        return [self.units[i] for i in picks]


_WORKER: dict[str, Any] = {}


def _copy_chunk(index: int) -> bytes:
    """Worker process: the COPY data of chunk ``index``, encoded here rather than in the process that
    sends it (the plan and factory are inherited by fork)."""
    plan: ChunkPlan = _WORKER["plan"]
    factory: MemberFactory | None = _WORKER.get("factory")
    if factory is None:
        factory = _WORKER["factory"] = MemberFactory(plan.seed)
        factory.set_references(*_WORKER["references"])
    return "".join(factory.copy_line(org, code) for org, code in plan.chunk_units(factory, index)).encode()


def copy_chunks(plan: ChunkPlan, processes: int | None = None) -> Iterator[bytes]:
    """Every chunk's COPY text, in order, made by a pool of worker processes.

    The shared state is read here, before the caller starts its COPY: the connection is busy during it.
    """
    _WORKER.clear()
    _WORKER.update(plan=plan, references=_references())
    return _pooled_chunks(plan, processes or max(1, os.cpu_count() or 2))


def _pooled_chunks(plan: ChunkPlan, processes: int) -> Iterator[bytes]:
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(processes) as pool:
        yield from pool.imap(_copy_chunk, range(plan.chunks), chunksize=1)


def _references() -> tuple[list[int], list[int]]:
    from dangvu.members.models import Ethnicity, Religion

    return (
        list(Ethnicity.objects.order_by("order").values_list("pk", flat=True)) or [0],
        list(Religion.objects.order_by("order").values_list("pk", flat=True)) or [0],
    )


def member_rows(plan: ChunkPlan) -> Iterator[dict[str, Any]]:
    """Every member row, in order, in this process (the ORM path for small seeds)."""
    factory = MemberFactory(plan.seed)
    factory.set_references(*_references())
    for index in range(plan.chunks):
        for org_id, code in plan.chunk_units(factory, index):
            yield factory.row(org_id, code)


MEMBER_COLUMNS = [
    "full_name",
    "search_text",
    "search_words",
    "sort_key",
    "sex",
    "birth_date",
    "cccd",
    "org_id",
    "status",
    "admitted_on",
    "ceremony_on",
    "recognized_on",
    *_EXTRA_FIELDS[:8],  # the file's extra fields, up to the ceremony and recognition days
    "party_age_from",  # the derived party-age start: the admission (no period out in the demo)
]
# NOT NULL columns without a database default that the COPY leaves out: PostgreSQL fills them from
# defaults set for the load only (cheaper than parsing 15 more fields on every one of millions of rows).
LOAD_DEFAULTS = {
    "created_at": "now()",
    "updated_at": "now()",
    "birth_date_precision": "'day'",
    "recognition_extension_days": "0",
    "admission_extension_days": "0",
} | dict.fromkeys(
    (
        "late_ceremony_agreement",
        "over_age_approval",
        "other_names",
        "birth_place",
        "permanent_address",
        "current_address",
        "email",
        "photo",
        "professional_degree",
        "state_management",
        "foreign_languages",
        "work_unit",
        "position",
        "introducers",
        "notes",
    ),
    "''",
)


def insert_members_orm(rows: Iterator[dict[str, Any]], batch: int = 5000) -> int:
    count = 0
    buffer: list[Member] = []
    for values in rows:
        buffer.append(Member(**values))
        if len(buffer) >= batch:
            Member.objects.bulk_create(buffer)
            count += len(buffer)
            buffer = []
    if buffer:
        Member.objects.bulk_create(buffer)
        count += len(buffer)
    return count


@dataclass
class LoadTimeObjects:
    """What a bulk load drops from a table and puts back: indexes that back no constraint, unique
    constraints (with their index definitions) and foreign keys. The primary key stays."""

    table: str
    indexes: list[tuple[str, str]]  # (name, CREATE INDEX …)
    uniques: list[tuple[str, str]]  # (constraint name, CREATE UNIQUE INDEX … of the same name)
    foreign_keys: list[tuple[str, str]]  # (name, FOREIGN KEY … definition)

    @classmethod
    def of(cls, table: str) -> LoadTimeObjects:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, contype, pg_get_constraintdef(oid), pg_get_indexdef(conindid)"
                " FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
                [table],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.tablename = %s AND i.indexname NOT IN (
                    SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)
                """,
                [table, table],
            )
            indexes = list(cursor.fetchall())
        return cls(
            table,
            indexes,
            [(name, index) for name, kind, _definition, index in constraints if kind == "u"],
            [(name, definition) for name, kind, definition, _index in constraints if kind == "f"],
        )

    def drop(self, cursor: Any) -> None:
        for name, _definition in [*self.foreign_keys, *self.uniques]:
            cursor.execute(f'ALTER TABLE {self.table} DROP CONSTRAINT "{name}"')
        for name, _definition in self.indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')

    def restore(self) -> None:
        """Build every index at once, one queue per core; then attach the unique constraints to their
        indexes and check the foreign keys.

        Only index builds can share the table (each holds a SHARE lock); an ``ALTER TABLE … ADD
        CONSTRAINT`` locks everyone else out for as long as it builds or checks, so unique
        constraints are built as plain unique indexes and attached in an instant afterwards.
        """
        builds = [definition for _name, definition in [*self.indexes, *self.uniques]]
        _build_in_parallel(_balanced(builds, queues=max(2, os.cpu_count() or 2)))
        with connection.cursor() as cursor:
            for name, _index in self.uniques:
                cursor.execute(
                    f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" UNIQUE USING INDEX "{name}"'
                )
            for name, definition in self.foreign_keys:
                started = time.perf_counter()
                cursor.execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {definition}')
                logger.info("%.1f s: foreign key %s", time.perf_counter() - started, name)


# Build seconds of each index and constraint over 6M full member rows on one core (measured on the
# bench machine, code columns in the C collation); the rebuild splits them into queues of about equal
# total, one queue per core.
_COSTS = {
    "gin_trgm_ops": 18,
    "member_name_order_idx": 16,
    "member_search_words": 14,
    "file_number": 8,
    "cccd": 8,
    "org_id, status": 6,
    "card_number": 3,
    "foreign key": 2,
}


def _cost(statement: str) -> int:
    lowered = statement.lower()
    return next((cost for marker, cost in _COSTS.items() if marker in lowered), 4)


def _balanced(statements: list[str], queues: int) -> list[list[str]]:
    """Split the statements into queues of about equal total cost (longest first, greedily)."""
    result: list[list[str]] = [[] for _ in range(queues)]
    loads = [0] * queues
    for statement in sorted(statements, key=_cost, reverse=True):
        target = loads.index(min(loads))
        result[target].append(statement)
        loads[target] += _cost(statement)
    return result


def _build_in_parallel(statements: list[list[str]]) -> None:
    """Run each list of DDL statements on its own connection at the same time (index builds are
    CPU-bound, and PostgreSQL builds a GIN index on one core)."""
    import threading

    import psycopg

    settings = connection.settings_dict
    params = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
    }
    errors: list[BaseException] = []

    def work(batch: list[str]) -> None:
        try:
            with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
                conn.execute("SET maintenance_work_mem = '1GB'")
                # One build per core is all the parallelism there is to have: PostgreSQL's own
                # parallel B-tree workers would only fight the other queues for the same cores.
                conn.execute("SET max_parallel_maintenance_workers = 0")
                for statement in batch:
                    started = time.perf_counter()
                    conn.execute(statement)
                    logger.info("%.1f s: %s", time.perf_counter() - started, statement[:90])
        except BaseException as error:  # reported below, in the caller's thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(batch,)) for batch in statements if batch]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def insert_members_copy(chunks: Iterator[bytes], phases: dict[str, float] | None = None) -> int:
    """COPY members into PostgreSQL for a national-scale seed (into an empty table).

    Foreign keys, unique constraints and secondary indexes are dropped, the rows are loaded and
    committed, then the indexes are rebuilt on one connection per core at once and the constraints
    put back and checked (``LoadTimeObjects.restore``): one build or check each, not per-row work.
    """
    objects = LoadTimeObjects.of("members_member")
    count = 0
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Truncating the (empty) table in this transaction lets COPY write the rows frozen and
        # all-visible: no hint-bit pass later, and index-only scans work from the first query.
        cursor.execute(
            "SELECT conrelid::regclass::text FROM pg_constraint WHERE confrelid = 'members_member'::regclass"
        )
        tables = sorted({"members_member", *(row[0] for row in cursor.fetchall())})
        for table in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 (catalog names)
            if cursor.fetchone()[0]:
                raise RuntimeError(f"National seed needs empty member tables; {table} has rows.")
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
        objects.drop(cursor)
        for column, default in LOAD_DEFAULTS.items():
            cursor.execute(f'ALTER TABLE members_member ALTER COLUMN "{column}" SET DEFAULT {default}')
        # The name tokens are filled at once after the load, not by the trigger row by row.
        cursor.execute("ALTER TABLE members_member DISABLE TRIGGER USER")
        with cursor.cursor.copy(
            f"COPY members_member ({', '.join(MEMBER_COLUMNS)}) FROM STDIN WITH (FREEZE)"
        ) as copy:
            for chunk in chunks:
                copy.write(chunk)
                count += chunk.count(b"\n")
        for column in LOAD_DEFAULTS:
            cursor.execute(f'ALTER TABLE members_member ALTER COLUMN "{column}" DROP DEFAULT')
        cursor.execute("ALTER TABLE members_member ENABLE TRIGGER USER")
    loaded = time.perf_counter()
    objects.restore()
    indexed = time.perf_counter()
    fill_name_tokens()
    built = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_member")
        cursor.execute("ANALYZE orgs_org")
    analyzed = time.perf_counter()
    logger.info(
        "member COPY: load %.1f s, indexes and constraints %.1f s, name tokens %.1f s, analyze %.1f s",
        loaded - started,
        indexed - loaded,
        built - indexed,
        analyzed - built,
    )
    if phases is not None:
        phases |= {
            "members: generation and COPY": loaded - started,
            "members: indexes and constraints": indexed - loaded,
            "name tokens: one INSERT … SELECT and its index": built - indexed,
            "ANALYZE": analyzed - built,
        }
    return count


def fill_name_tokens() -> None:
    """Write every member's name tokens at once (after a load with the trigger off), then build their
    name-order indexes (the country's and each area's)."""
    from dangvu.members.search import (
        NAME_POSTINGS_AREA_INDEX_SQL,
        NAME_POSTINGS_FILL_SQL,
        NAME_POSTINGS_INDEX_SQL,
    )

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE members_membernametoken")
        cursor.execute("DROP INDEX IF EXISTS member_token_order_idx")
        cursor.execute("DROP INDEX IF EXISTS member_token_area_idx")
        cursor.execute("SELECT min(id), max(id) FROM members_member")
        low, high = cursor.fetchone()
    queues = os.cpu_count() or 1
    if connection.in_atomic_block or low is None or queues == 1:
        with connection.cursor() as cursor:
            cursor.execute(NAME_POSTINGS_FILL_SQL)
    else:
        # An INSERT … SELECT runs on one core: one range of member ids per core, on connections of
        # their own (committed rows only: outside a transaction, as after the seed's load).
        step = (high - low) // queues + 1
        _build_in_parallel(
            [
                [f"{NAME_POSTINGS_FILL_SQL} WHERE m.id >= {start} AND m.id < {start + step}"]
                for start in range(low, high + 1, step)
            ]
        )
    if connection.in_atomic_block or queues == 1:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(NAME_POSTINGS_INDEX_SQL)
            cursor.execute(NAME_POSTINGS_AREA_INDEX_SQL)
    else:
        # The two indexes at once, one core each.
        _build_in_parallel(
            [[statement] for statement in (NAME_POSTINGS_INDEX_SQL, NAME_POSTINGS_AREA_INDEX_SQL)]
        )
    with connection.cursor() as cursor:
        # VACUUM marks the pages all-visible, so the searches' index-only scans need no table reads.
        cursor.execute(
            "ANALYZE members_membernametoken"
            if connection.in_atomic_block
            else "VACUUM (ANALYZE) members_membernametoken"
        )


@dataclass
class SeedResult:
    units: int
    members: int
    seconds_units: float
    seconds_members: float
    seconds_rollups: float
    phases: dict[str, float] = field(default_factory=dict)  # seconds of each step, in order

    @property
    def member_rows_per_second(self) -> float:
        return self.members / self.seconds_members if self.seconds_members else 0.0


def seed(
    *, members: int, seed: int, national: bool, use_copy: bool | None = None
) -> tuple[SeedResult, list[int], Plan]:
    started = time.perf_counter()
    plan = build_plan(seed=seed, national=national)
    copy = use_copy if use_copy is not None else connection.vendor == "postgresql" and members >= 100_000
    if copy and not connection.in_atomic_block and not Org.objects.exists():
        # ~59,000 units into a table of eleven indexes (two GIN): inserted without them, which are then
        # built at once, one connection per core, as for the members.
        objects = LoadTimeObjects.of(Org._meta.db_table)
        with transaction.atomic(), connection.cursor() as cursor:
            objects.drop(cursor)
            ids = insert_units(plan)
        objects.restore()
    else:
        with transaction.atomic():
            ids = insert_units(plan)
    units_done = time.perf_counter()
    member_units = [(ids[i], plan.province_codes[i]) for i in plan.member_units]
    chunk_plan = ChunkPlan.make(seed, members, member_units)
    phases = {"units": units_done - started}
    if copy:
        inserted = insert_members_copy(copy_chunks(chunk_plan), phases)
    else:
        with transaction.atomic():
            inserted = insert_members_orm(member_rows(chunk_plan))
    # The search vocabulary: every word the generated names are made of.
    remember_words(
        fold(name)
        for name in (
            name
            for table in (
                names.FAMILY,
                names.MIDDLE_MALE,
                names.MIDDLE_FEMALE,
                names.GIVEN_MALE,
                names.GIVEN_FEMALE,
            )
            for name, _weight in table
        )
    )
    members_done = time.perf_counter()
    if not copy:
        phases["members (ORM)"] = members_done - units_done
    from dangvu.members.stats import rebuild_precomputed

    # One recount writes the roll-ups of every unit and the kept statistics cells (it was run twice:
    # ``rollups.rebuild`` and then ``rebuild_precomputed``, which recounts everything again). The members
    # went in without deltas, so the roll-ups differ from the count by design: not a drift to report.
    rebuild_precomputed(initial=True)
    finished = time.perf_counter()
    phases["roll-ups and statistics cells"] = finished - members_done
    return (
        SeedResult(
            len(ids),
            inserted,
            units_done - started,
            members_done - units_done,
            finished - members_done,
            phases,
        ),
        ids,
        plan,
    )
