from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MemberImport(models.Model):
    """One upload of a member spreadsheet: its mapping, dry-run report and progress (runs as a job)."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Đã tải lên")
        CHECKED = "checked", _("Đã kiểm tra")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Thất bại")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("Chỉ nhập khi mọi dòng hợp lệ")
        VALID_ONLY = "valid", _("Nhập các dòng hợp lệ, bỏ qua dòng lỗi")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        "orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị nhận")
    )
    file = models.FileField(upload_to="imports/")
    filename = models.CharField(max_length=255)
    mapping = models.JSONField(_("ánh xạ cột"), default=dict, blank=True)
    mode = models.CharField(max_length=5, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(_("báo cáo"), default=list, blank=True)
    message = models.CharField(max_length=500, blank=True)
    # The job crashed or its worker was killed: nothing was written and the page offers a retry.
    retryable = models.BooleanField("có thể chạy lại", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = pgettext_lazy("plural", "nhập dữ liệu đảng viên")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class ImportProgress(models.Model):
    """How far an import of one file got while it commits in batches (SQLite: a large import commits
    every ~200 ms so that logins interleave). A crash between batches leaves the committed ones; running
    the same file again (same bytes, unit, user, mode and column mapping: ``key``) skips the rows up to
    ``last_row`` that those batches recorded instead of recording them twice. The import's last
    transaction deletes the row."""

    key = models.CharField(max_length=64, unique=True)
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255, blank=True)
    # The spreadsheet line of the last new member committed, and how many the batches recorded.
    last_row = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    # The first member the import recorded: a row up to ``last_row`` that now matches a member from
    # here on (by CCCD or file number) is one of them, not a member to update.
    first_member_id = models.PositiveBigIntegerField(null=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tiến độ nhập tệp")
        verbose_name_plural = _("tiến độ nhập tệp")

    def __str__(self) -> str:
        return f"{self.filename} ({self.last_row})"
