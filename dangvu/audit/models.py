"""The audit log: append-only entries, each sealed with a keyed MAC when written, and chained in commit
order by a background job (``dangvu.audit.chain``); see that module for the design."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC
from typing import Any, NoReturn

import orjson
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dangvu.accounts.querysets import ScopedQuerySet


class AuditEntryQuerySet(ScopedQuerySet["AuditEntry"]):
    view_permission = "audit.view"

    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("Audit entries are append-only")

    def delete(self) -> NoReturn:
        raise TypeError("Audit entries are append-only")

    def for_object(self, object_type: str, object_id: str | int) -> AuditEntryQuerySet:
        return self.filter(object_type=object_type, object_id=str(object_id))


class AuditEntry(models.Model):
    """One change (or sensitive read) of a record: who, when, from where, what, before → after.

    Written without any lock on a shared row: ``id`` comes from the table's sequence (a rolled-back
    transaction leaves a gap, which is not a deletion). ``mac`` is an HMAC of every field under a key
    that is not in the database, so an edited or forged row is detected; the row's place in the log is
    its ``AuditChainLink``, written by the chaining job in commit order.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Sửa đổi")
        DELETE = "delete", _("Xóa")
        VIEW = "view", _("Xem")
        EXPORT = "export", _("Xuất dữ liệu")
        LOGIN = "login", _("Đăng nhập")
        LOGIN_FAILED = "login_failed", _("Đăng nhập thất bại")
        LOGOUT = "logout", _("Đăng xuất")
        OTHER = "other", _("Khác")

    created_at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the log is filtered by the actor's name (actor_repr), never by this id
    )
    actor_repr = models.CharField(_("người thực hiện"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    channel = models.CharField(_("kênh"), max_length=10, default="system")
    action = models.CharField(_("hành động"), max_length=20, choices=Action.choices)
    event = models.CharField(_("sự kiện"), max_length=80, blank=True)
    object_type = models.CharField(_("loại bản ghi"), max_length=80, blank=True)
    object_id = models.CharField(_("mã bản ghi"), max_length=64, blank=True)
    object_repr = models.CharField(_("bản ghi"), max_length=300, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)
    mac = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản ghi nhật ký")
        verbose_name_plural = pgettext_lazy("plural", "nhật ký hệ thống")
        ordering = ["-id"]
        # Every entry updates every index, and imports write hundreds of thousands of entries: only the
        # lookups the log serves are indexed (a record's timeline, one action newest first, dates, units).
        indexes = [
            models.Index(fields=["object_type", "object_id", "id"], name="audit_entry_object_idx"),
            models.Index(fields=["action", "id"], name="audit_entry_action_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Audit entries are append-only")

    def hashed_payload(self) -> dict[str, Any]:
        """What ``mac`` covers: every field but the id (unknown until the row is inserted)."""
        return {
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "actor_id": self.actor_id,
            "actor_repr": self.actor_repr,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "channel": self.channel,
            "action": self.action,
            "event": self.event,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "org_id": self.org_id,
            "changes": self.changes,
            "data": self.data,
        }

    def compute_mac(self) -> str:
        return payload_mac(self.hashed_payload())


def canonical_json(value: Any) -> str:
    """The one serialization that entry hashes cover: sorted keys, no spaces, UTF-8 as is.

    orjson writes exactly what ``json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"))``
    writes for what the log holds (strings, integers, booleans, null, lists, string-keyed objects:
    tests/audit check it on awkward strings), ten times faster; what orjson refuses (an integer beyond
    64 bits, a non-string key) goes through the standard library. Audit data holds no floats
    (snapshots turn decimals into strings), whose exponent the two would write differently.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def audit_key() -> bytes:
    """The key of the log's MACs: ``DANGVU_AUDIT_KEY``, or the content of ``DANGVU_AUDIT_KEY_FILE``, else
    derived from ``SECRET_KEY``. Never stored in the database, so that someone who can write to the
    database cannot recompute a valid MAC."""
    key_file = getattr(settings, "DANGVU_AUDIT_KEY_FILE", "")
    if key_file:
        with open(key_file, "rb") as stream:
            return stream.read().strip()
    configured = getattr(settings, "DANGVU_AUDIT_KEY", "")
    if configured:
        return str(configured).encode()
    return hashlib.sha256(b"dangvu-audit-key:" + str(settings.SECRET_KEY).encode()).digest()


def payload_mac(payload: dict[str, Any], key: bytes | None = None) -> str:
    """HMAC-SHA-256 of an entry's canonical payload under the audit key."""
    return hmac.new(key or audit_key(), canonical_json(payload).encode(), hashlib.sha256).hexdigest()


def link_mac(seq: int, entry_id: int, entry_mac: str, previous: str, key: bytes | None = None) -> str:
    """HMAC of one link of the chain: its position, the entry it places there, and the link before."""
    message = f"{seq}:{entry_id}:{entry_mac}:{previous}".encode()
    return hmac.new(key or audit_key(), message, hashlib.sha256).hexdigest()


GENESIS = "0" * 64


class AuditChainLink(models.Model):
    """The place of one audit entry in the log: position ``seq`` (1, 2, 3… without gaps) in commit order.

    Written only by the chaining job, never updated or deleted. ``mac`` covers the position, the entry
    id, the entry's own MAC and the previous link's ``mac``: removing, reordering or inserting entries
    breaks it, and without the key it cannot be recomputed.
    """

    seq = models.BigIntegerField(_("số thứ tự trong chuỗi"), primary_key=True)
    entry_id = models.BigIntegerField(unique=True)
    mac = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("mắt xích nhật ký")

    def __str__(self) -> str:
        return f"audit link #{self.seq} → entry {self.entry_id}"
