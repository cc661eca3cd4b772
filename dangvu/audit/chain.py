"""The audit chain: placing entries in commit order, anchoring it outside the database, verifying it.

Design (what the audit log guarantees is summed up in the README):

* **Writing never waits.** ``audit_log`` inserts an entry with its own MAC (HMAC-SHA-256 of every field
  under ``DANGVU_AUDIT_KEY``, a key kept in the configuration, never in the database) and locks no
  shared row. Its id comes from the table's sequence: a rolled-back transaction leaves a gap in the
  ids, which is not a deletion.
* **Chaining in commit order.** ``chain_pending`` appends one ``AuditChainLink`` per committed entry
  that has none, in the order the entries became visible (their commit order), numbering positions
  1, 2, 3… without gaps; each link's MAC covers its position, the entry id, the entry's MAC and the
  previous link's MAC. One chainer runs at a time (a PostgreSQL advisory lock, tried and never waited
  for; SQLite has one writer anyway). It runs a couple of seconds after a transaction that wrote
  entries commits (``chain_soon`` → the huey task ``chain_audit``), every minute as a backstop
  (``dangvu.audit.tasks``), and on demand in ``verify_chain``.
* **Only what is new is read.** On PostgreSQL an entry with a small id may commit after entries with
  larger ids (a long import). The chainer therefore remembers watermarks (the entry sequence's value,
  the next transaction id and the time): once every transaction that was running then has ended, every
  entry numbered up to that value is visible, and later runs look only above it. An entry that is
  missed anyway is chained by the hourly run over every entry and by ``verify_chain``. On SQLite ids
  are given out under the one write lock, so they follow commit order.
* **Anchored outside the database.** ``checkpoint_write`` (every ``DANGVU_AUDIT_CHECKPOINT_MINUTES``
  when the chain moved) stores the chain's length, last entry and last link MAC, signed with the key,
  in the Django storage ``audit_checkpoints`` — a directory or an object store that the database
  account cannot write — and may mail it (``DANGVU_AUDIT_CHECKPOINT_MAIL``). A log cut short, truncated
  or wiped no longer reaches the last checkpoint's position with the same MAC.
* **Verification** recomputes every entry MAC and link MAC in chain order and compares the chain with
  every checkpoint; it names the first altered, inserted or missing entry.

Why hand-written: HMAC comes from the standard library; the Django audit packages (django-auditlog,
django-simple-history, django-pghistory) record changes but make them neither tamper-evident nor
non-blocking, and an append-only ledger service (immudb, AWS QLDB) is a second database to run.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from dangvu.audit.models import GENESIS, AuditChainLink, AuditEntry, audit_key, canonical_json, link_mac

logger = logging.getLogger(__name__)

CHAIN_BATCH = 5000
CHAIN_DELAY_SECONDS = 2
_LOCK_ID = 0x6175646974  # "audit": the PostgreSQL advisory lock held by the one chainer
_WATERMARK = "dangvu-audit-chain-watermark"
_QUEUED = "dangvu-audit-chain-queued"
CHECKPOINT_STORAGE = "audit_checkpoints"


# --- Chaining -------------------------------------------------------------------------------------------


def chain_soon() -> None:
    """Have the chaining job run shortly after the current transaction commits (at most one queued run
    every ``CHAIN_DELAY_SECONDS``: it chains everything committed by then)."""
    transaction.on_commit(_queue_chaining)


def _queue_chaining() -> None:
    from huey.contrib.djhuey import HUEY

    from dangvu.audit.tasks import chain_audit
    from dangvu.core.soon import run_soon

    run_soon(_QUEUED, CHAIN_DELAY_SECONDS, chain_audit, lambda: bool(HUEY.immediate))


def _try_lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_ID])
        row = cursor.fetchone()
    return bool(row and row[0])


def last_link() -> tuple[int, str]:
    """The chain's length and its last link's MAC (``GENESIS`` for an empty chain)."""
    last = AuditChainLink.objects.order_by("-seq").values_list("seq", "mac").first()
    return last or (0, GENESIS)


def _horizon() -> tuple[int, int, float, int, float | None]:
    """PostgreSQL, now: the entry sequence's last value, the next transaction id, the clock, the oldest
    running transaction id, and when the oldest open transaction (of the sessions this role can see) began.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')::regclass), 0)",
            [AuditEntry._meta.db_table],
        )
        (last_value,) = cursor.fetchone() or (0,)
        cursor.execute(
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint, "
            "extract(epoch FROM clock_timestamp())::float8, "
            "pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
            "(SELECT extract(epoch FROM min(xact_start))::float8 FROM pg_stat_activity "
            " WHERE pid <> pg_backend_pid() AND xact_start IS NOT NULL)"
        )
        xmax, clock, xmin, oldest = cursor.fetchone() or (0, 0.0, 0, None)
    return int(last_value), int(xmax), float(clock), int(xmin), oldest


def _floor(full: bool) -> tuple[int, Any]:
    """Entries with an id up to the first value are all linked; the second is the watermark to store
    after this run (``None``: leave it)."""
    if full:
        return 0, None
    if connection.vendor != "postgresql":
        last = AuditChainLink.objects.order_by("-seq").values_list("entry_id", flat=True).first()
        return last or 0, None
    floor, pending = cache.get(_WATERMARK) or (0, [])
    last_value, xmax, clock, xmin, oldest = _horizon()

    # A watermark (ids up to ``value``, taken at ``taken`` when ``before`` was the next transaction id) is
    # reached when every transaction running then has ended: every entry numbered up to ``value`` is
    # visible now. Both tests are needed: a transaction draws an entry's number a moment before it
    # gets its transaction id, and sessions of other roles show no start time.
    def reached(before: int, taken: float) -> bool:
        return before <= xmin and (oldest is None or oldest > taken)

    new_floor = max([floor, *(value for value, before, taken in pending if reached(before, taken))])
    waiting = [item for item in pending if not reached(item[1], item[2])]
    waiting = [*waiting[-20:], (last_value, xmax, clock)]
    return floor, (new_floor, waiting)


def chain_pending(full: bool = False) -> int:
    """Link every committed entry that has no place in the chain yet, in commit order; returns how many.

    ``full`` looks at every entry (``verify_chain`` and the hourly run do), not only above the watermark.
    Does nothing when another chainer is running.
    """
    linked = 0
    floor, watermark = _floor(full)
    cursor = floor  # within this run, each batch starts after the last entry the one before linked
    while True:
        try:
            with transaction.atomic():
                if not _try_lock():
                    return linked
                count, cursor = _chain_batch(cursor)
        except IntegrityError:  # another chainer (SQLite, no advisory lock) took these positions first
            logger.info("audit chaining raced another chainer; the next run continues")
            return linked
        linked += count
        if count < CHAIN_BATCH:
            break
    if watermark is not None:
        new_floor, waiting = watermark
        cache.set(_WATERMARK, (new_floor, waiting), timeout=None)
    return linked


def _chain_batch(floor: int) -> tuple[int, int]:
    """Link up to ``CHAIN_BATCH`` unlinked entries numbered above ``floor``: (how many, the last id)."""
    unlinked = (
        AuditEntry.objects.filter(id__gt=floor)
        .filter(~Exists(AuditChainLink.objects.filter(entry_id=OuterRef("id"))))
        .order_by("id")
        .values_list("id", "mac")[:CHAIN_BATCH]
    )
    rows = list(unlinked)
    if not rows:
        return 0, floor
    key = audit_key()
    seq, previous = last_link()
    links = []
    for entry_id, entry_mac in rows:
        seq += 1
        previous = link_mac(seq, entry_id, entry_mac, previous, key)
        links.append(AuditChainLink(seq=seq, entry_id=entry_id, mac=previous))
    AuditChainLink.objects.bulk_create(links, batch_size=2000)
    return len(links), rows[-1][0]


# --- Checkpoints ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """The chain's position at one moment, as anchored outside the database."""

    name: str
    seq: int
    last_entry_id: int
    mac: str
    written_at: str
    signed: bool


def checkpoint_storage() -> Storage | None:
    if CHECKPOINT_STORAGE not in settings.STORAGES:
        return None
    return storages[CHECKPOINT_STORAGE]


def _signature(payload: dict[str, Any]) -> str:
    return hmac.new(audit_key(), canonical_json(payload).encode(), "sha256").hexdigest()


def checkpoint_write(*, force: bool = False) -> Checkpoint | None:
    """Chain what is pending, then store (and mail) a signed checkpoint of the chain's position.

    Skipped (returns ``None``) when the chain has not moved since the last checkpoint, unless ``force``.
    """
    storage = checkpoint_storage()
    if storage is None:
        return None
    chain_pending()
    seq, mac = last_link()
    latest = next(iter(checkpoints_newest_first(storage)), None)
    if not force and latest is not None and latest.seq == seq:
        return None
    last_entry = AuditChainLink.objects.filter(seq=seq).values_list("entry_id", flat=True).first() or 0
    now = timezone.now()
    payload: dict[str, Any] = {
        "version": 1,
        "seq": seq,
        "count": seq,
        "last_entry_id": last_entry,
        "mac": mac,
        "written_at": now.isoformat(),
    }
    payload["signature"] = _signature(payload)
    text = json.dumps(payload, indent=1, sort_keys=True)
    name = f"{now:%Y/%m/%d}/checkpoint-{seq:012d}-{now:%H%M%S%f}.json"
    saved = storage.save(name, ContentFile(text.encode()))
    recipients = list(getattr(settings, "DANGVU_AUDIT_CHECKPOINT_MAIL", []))
    if recipients:
        from django.core.mail import send_mail

        send_mail(
            f"[dangvu] Điểm neo nhật ký #{seq}",
            "Điểm neo của nhật ký hệ thống (lưu lại để đối chiếu khi kiểm tra):\n\n" + text,
            None,
            recipients,
            fail_silently=True,
        )
    return Checkpoint(saved, seq, last_entry, mac, payload["written_at"], True)


def _listing(storage: Storage, prefix: str) -> tuple[list[str], list[str]]:
    try:
        return storage.listdir(prefix)
    except FileNotFoundError:
        return [], []


def _names_newest_first(storage: Storage, prefix: str = "", depth: int = 0) -> Iterator[str]:
    directories, files = _listing(storage, prefix)
    if depth < 3:
        for directory in sorted(directories, reverse=True):
            yield from _names_newest_first(storage, f"{prefix}{directory}/", depth + 1)
    for name in sorted((f for f in files if f.endswith(".json")), reverse=True):
        yield f"{prefix}{name}"


def _read_checkpoint(storage: Storage, name: str) -> Checkpoint:
    with storage.open(name, "rb") as stream:
        try:
            payload = json.loads(stream.read())
            signature = payload.pop("signature", "")
            signed = isinstance(signature, str) and hmac.compare_digest(signature, _signature(payload))
            return Checkpoint(
                name,
                int(payload["seq"]),
                int(payload.get("last_entry_id", 0)),
                str(payload["mac"]),
                str(payload.get("written_at", "")),
                signed,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return Checkpoint(name, 0, 0, "", "", False)


def checkpoints_newest_first(storage: Storage | None = None) -> Iterator[Checkpoint]:
    storage = storage or checkpoint_storage()
    if storage is None:
        return
    for name in _names_newest_first(storage):
        yield _read_checkpoint(storage, name)


# --- Verification ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""
    checkpoints: int = 0


def _links(batch_size: int) -> Iterator[list[AuditChainLink]]:
    after = 0
    while True:
        batch = list(AuditChainLink.objects.filter(seq__gt=after).order_by("seq")[:batch_size])
        if not batch:
            return
        yield batch
        after = batch[-1].seq


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Chain what is pending, then recompute every entry and link MAC in chain order and compare the
    chain with every checkpoint; name the first altered, inserted or missing entry."""
    chain_pending(full=True)
    key = audit_key()
    stored = list(checkpoints_newest_first())
    forged = next((c for c in stored if not c.signed), None)
    if forged is not None:
        return ChainReport(
            False, 0, None, f"điểm neo {forged.name} không có chữ ký hợp lệ (bị sửa hoặc giả mạo)"
        )
    wanted = {c.seq: c for c in stored}
    previous, expected = GENESIS, 1
    checked = 0
    for batch in _links(batch_size):
        entries = AuditEntry.objects.in_bulk([link.entry_id for link in batch])
        for link in batch:
            if link.seq != expected:
                return ChainReport(
                    False, checked, expected, f"thiếu bản ghi số {expected} của chuỗi (gặp số {link.seq})"
                )
            entry = entries.get(link.entry_id)
            if entry is None:
                return ChainReport(
                    False, checked, link.seq, f"bản ghi số {link.seq} (mã #{link.entry_id}) đã bị xóa"
                )
            mac = entry.compute_mac()
            if not hmac.compare_digest(mac, entry.mac):
                return ChainReport(
                    False,
                    checked,
                    link.seq,
                    f"bản ghi số {link.seq} (mã #{entry.pk}) đã bị sửa hoặc không do ứng dụng ghi",
                )
            previous_mac = link_mac(link.seq, entry.pk, entry.mac, previous, key)
            if not hmac.compare_digest(previous_mac, link.mac):
                return ChainReport(
                    False,
                    checked,
                    link.seq,
                    f"bản ghi số {link.seq} (mã #{entry.pk}) không nối với bản ghi trước "
                    "(chuỗi bị chèn, đổi thứ tự hoặc tính lại)",
                )
            checkpoint = wanted.get(link.seq)
            if checkpoint is not None and not hmac.compare_digest(checkpoint.mac, link.mac):
                return ChainReport(
                    False,
                    checked,
                    link.seq,
                    f"chuỗi tới số {link.seq} khác điểm neo {checkpoint.name} (nhật ký bị tính lại)",
                )
            previous = link.mac
            expected += 1
            checked += 1
    beyond = [c for c in stored if c.seq > checked]
    if beyond:
        furthest = max(beyond, key=lambda c: c.seq)
        what = "bị xóa toàn bộ" if checked == 0 else "bị cắt phần cuối"
        return ChainReport(
            False,
            checked,
            checked + 1,
            f"nhật ký {what}: điểm neo {furthest.name} ghi {furthest.seq} bản ghi, chuỗi chỉ còn {checked}",
        )
    return ChainReport(True, checked, checkpoints=len(stored))


def checkpoint_due(now: datetime | None = None) -> bool:
    """Whether the last checkpoint is older than ``DANGVU_AUDIT_CHECKPOINT_MINUTES``."""
    minutes = int(getattr(settings, "DANGVU_AUDIT_CHECKPOINT_MINUTES", 15))
    latest = next(iter(checkpoints_newest_first()), None)
    if latest is None or not latest.written_at:
        return True
    try:
        written = datetime.fromisoformat(latest.written_at)
    except ValueError:
        return True
    return (now or timezone.now()) - written >= timedelta(minutes=minutes)
