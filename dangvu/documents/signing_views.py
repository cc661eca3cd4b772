"""Signing an approved draft with the signer's own token, from the document's page (the interrupted
flow of ``POST /api/v1/documents/{id}/sign/prepare`` → ``…/sign/complete``, through the same services):

1. the signer gives their certificate (exported from the token) → ``services.document_sign_prepare``;
2. the page shows the session, the digest to sign, the signing request file to download and the exact
   command of the command-line signer (``python -m dangvu.signing.cli``) for their token;
3. the signer uploads the answer (or pastes the signature) → ``services.document_sign_complete``.

Refusals (someone else's certificate, a stale session, a signature over another digest) are shown in
Vietnamese and change nothing. The token's module and label are remembered in the user's session only
to write the command."""

from __future__ import annotations

import base64
import json
import shlex
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvu.core.http import AuthenticatedHttpRequest
from dangvu.documents import selectors, services
from dangvu.documents.forms import TokenCompleteForm, TokenPrepareForm
from dangvu.documents.models import Document
from dangvu.documents.views import _attach, _document
from dangvu.documents.workflow import DOCUMENTS

DEFAULT_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN_ENV = "DANGVU_PIN"
_DEVICE = "dangvu_signing_device"


def _may_sign(request: AuthenticatedHttpRequest, document: Document) -> None:
    transition = DOCUMENTS.get("sign")
    if transition is None or not DOCUMENTS.may(request.user, transition, document):
        raise PermissionDenied(_("Bạn không có quyền ký số văn bản này."))


def _token(request: AuthenticatedHttpRequest) -> dict[str, str]:
    remembered = request.session.get(_DEVICE) or {}
    return {
        "module": str(remembered.get("module") or DEFAULT_MODULE),
        "token_label": str(remembered.get("token_label") or ""),
    }


def _command(token: dict[str, str], *arguments: str) -> str:
    words = ["python", "-m", "dangvu.signing.cli", *arguments, "--pkcs11-module", token["module"]]
    if token["token_label"]:
        words += ["--token-label", token["token_label"]]
    words += ["--pin-env", PIN_ENV]
    return " ".join(shlex.quote(word) for word in words)


@login_required
def sign_with_token(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Step 1: the signer's certificate → a signing session."""
    document = _document(request, pk)
    _may_sign(request, document)
    token = _token(request)
    form = TokenPrepareForm(request.POST or None, request.FILES or None, initial=token)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        request.session[_DEVICE] = {"module": data["module"], "token_label": data["token_label"]}
        try:
            pending = services.document_sign_prepare(
                actor=request.user, document=document, certificates_pem=data["pem"], position=data["position"]
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            return redirect("documents:sign_token_session", pk=document.pk, session=pending.pk)
    context = {
        "document": document,
        "form": form,
        "export_command": _command(token, "--export-certificate", "--out", "chung-thu-so.pem"),
    }
    return render(request, "documents/sign_token.html", context)


def _request_file(pending: Any) -> bytes:
    from dangvu.signing.external import signer_request

    return json.dumps(signer_request(pending), cls=DjangoJSONEncoder, indent=2).encode()


@login_required
def sign_with_token_session(request: AuthenticatedHttpRequest, pk: int, session: UUID) -> HttpResponse:
    """Step 2: what to sign and how; the returned signature → the signed document."""
    document = _document(request, pk)
    _may_sign(request, document)
    pending = selectors.pending_signature(request.user, document, session)
    form = TokenCompleteForm(request.POST or None, request.FILES or None, session=str(session))
    if request.method == "POST" and pending is not None and form.is_valid():
        try:
            services.document_sign_complete(
                actor=request.user,
                document=document,
                session=session,
                signature=form.cleaned_data["signature_bytes"],
                certificate_pem=form.cleaned_data["certificate_pem"],
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Đã ký số văn bản bằng thiết bị ký số của bạn."))
            return redirect(document.get_absolute_url())
    context: dict[str, Any] = {"document": document, "form": form, "pending": pending}
    if pending is not None:
        from dangvu.signing.external import signer_request

        signing = signer_request(pending)
        name = f"yeu-cau-ky-{document.pk}.json"
        context.update(
            {
                "signing": signing,
                "digest_hex": base64.b64decode(signing["digest"]).hex(),
                "request_name": name,
                "sign_command": _command(
                    _token(request), "--request", name, "--out", f"chu-ky-{document.pk}.json"
                ),
                "minutes_left": max(0, int((pending.expires_at - timezone.now()).total_seconds() // 60)),
            }
        )
    else:
        context["restart"] = reverse("documents:sign_token", args=[document.pk])
    return render(request, "documents/sign_token_session.html", context, status=200 if pending else 410)


@login_required
def sign_with_token_request(request: AuthenticatedHttpRequest, pk: int, session: UUID) -> HttpResponse:
    """The signing request file for the command-line signer (what the API's ``/sign/prepare`` answers)."""
    document = _document(request, pk)
    _may_sign(request, document)
    pending = selectors.pending_signature(request.user, document, session)
    if pending is None:
        messages.error(request, _("Phiên ký không còn hiệu lực; hãy chuẩn bị ký lại."))
        return redirect("documents:sign_token", pk=document.pk)
    response = HttpResponse(_request_file(pending), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="yeu-cau-ky-{document.pk}.json"'
    return response
