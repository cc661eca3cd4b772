"""Abstract bases shared by every module's models."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvu.core.text import fold


class TimeStampedModel(models.Model):
    """Creation and last-change times, kept by the database layer."""

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class SearchableModel(models.Model):
    """A folded copy of the text a user may search for (see dangvu.core.text.fold)."""

    search_text = models.TextField(_("chuỗi tìm kiếm"), blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def searchable_parts(self) -> list[str]:
        raise NotImplementedError

    def refresh_search_text(self) -> None:
        self.search_text = fold(" ".join(part for part in self.searchable_parts() if part))


class Job(models.Model):
    """One background job of any module (an import, an OCR run, an export) and its latest attempt.

    A worker that runs the job holds a lease (``lease_expires_at``) that its heartbeat renews; a worker
    killed mid-job stops renewing it, and the next worker to start (or the reaper every minute) fails
    the job so that the page offers a retry instead of showing "running" forever. See
    ``dangvu.core.jobs``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang chạy"
        DONE = "done", "Hoàn thành"
        FAILED = "failed", "Thất bại"

    kind = models.CharField("loại", max_length=80)
    key = models.CharField("mã", max_length=64)
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField("số lần chạy", default=0)
    worker = models.CharField("tiến trình", max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField("lỗi", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "tác vụ nền"
        verbose_name_plural = "tác vụ nền"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="core_job_kind_key")]
        indexes = [models.Index(fields=["status", "lease_expires_at"], name="core_job_status_lease_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} ({self.status})"


class Export(models.Model):
    """A large export (a spreadsheet or printout of many rows) written by a background job; the
    user who asked follows its progress on a page and downloads the file from there. The module that
    writes it is named by ``kind`` (``dangvu.core.exports.register_exporter``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang xuất")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Thất bại")

    kind = models.CharField(_("loại"), max_length=80)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=10, default="vi")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("người yêu cầu")
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    expected_rows = models.PositiveIntegerField(_("số dòng dự kiến"), default=0)
    processed_rows = models.PositiveIntegerField(_("số dòng đã ghi"), default=0)
    file = models.FileField(_("tệp"), upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(_("tên tệp"), max_length=255)
    message = models.CharField(_("thông báo"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tệp xuất")
        verbose_name_plural = _("tệp xuất")
        indexes = [models.Index(fields=["created_by", "-created_at"], name="core_export_user_idx")]

    def __str__(self) -> str:
        return self.filename
