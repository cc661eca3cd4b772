"""The page of a background export (progress, then the download link) and its download."""

from __future__ import annotations

import contextlib

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from dangvu.core.exports import export_retry
from dangvu.core.http import AuthenticatedHttpRequest
from dangvu.core.models import Export
from dangvu.core.spreadsheets.writer import XLSX_TYPE


def _own(request: AuthenticatedHttpRequest, pk: int) -> Export:
    """Only the user who asked for an export sees it (404 for anyone else)."""
    return get_object_or_404(Export.objects.filter(created_by=request.user), pk=pk)


@login_required
def export_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    export = _own(request, pk)
    if request.method == "POST" and export.status == Export.Status.FAILED:
        # Nothing to retry after a refusal (not a crash): the page says why.
        with contextlib.suppress(ValueError):
            export_retry(export=export)
        return redirect("web:export", pk=export.pk)
    template = "web/export.html#progress" if request.htmx else "web/export.html"  # type: ignore[attr-defined]
    return render(request, template, {"export": export})


@login_required
def export_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    export = _own(request, pk)
    if export.status != Export.Status.DONE or not export.file:
        raise Http404
    kind = "application/pdf" if export.filename.endswith(".pdf") else XLSX_TYPE
    response = FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.filename, content_type=kind
    )
    response["Cache-Control"] = "private, no-store"
    return response
