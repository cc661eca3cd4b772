"""The audit log: append-only, each entry chained to the previous one by a SHA-256 hash."""

from __future__ import annotations

import hashlib
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

    ``seq`` counts entries without gaps; ``entry_hash`` covers every field and ``prev_hash``, so editing,
    deleting or inserting a row breaks the chain that ``dangvu verify_audit`` recomputes.
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

    seq = models.BigIntegerField(_("số thứ tự"), unique=True)
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
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("bản ghi nhật ký")
        verbose_name_plural = pgettext_lazy("plural", "nhật ký hệ thống")
        ordering = ["-seq"]
        # Every entry updates every index, and imports write hundreds of thousands of entries: only the
        # lookups the log serves are indexed (a record's timeline, one action newest first, dates, units).
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx"),
            models.Index(fields=["action", "seq"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Audit entries are append-only")

    def hashed_payload(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
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
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        return payload_hash(self.hashed_payload())


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


def payload_hash(payload: dict[str, Any]) -> str:
    """SHA-256 of an entry's canonical payload."""
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


class AuditChainHead(models.Model):
    """The single row that holds the last sequence number and hash; locked while an entry is appended."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"audit head #{self.last_seq}"
