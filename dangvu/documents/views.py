"""Document screens: the registers (incoming, outgoing) with search, one document with its actions,
drafting, registering an incoming document, the verbs (generated forms), files, the KPI panel."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvu.accounts.permissions import has_perm, require_perm_somewhere
from dangvu.core.http import AuthenticatedHttpRequest
from dangvu.core.paging import LargeListPaginator
from dangvu.documents import kpi as kpis
from dangvu.documents import printing, registers, selectors, services
from dangvu.documents.forms import FilterForm, IncomingForm, OutgoingForm, RegisterForm
from dangvu.documents.models import Document
from dangvu.documents.rendering.docx import CONTENT_TYPE as DOCX
from dangvu.documents.services import files_allowed, on_party_network
from dangvu.documents.workflow import DOCUMENTS
from dangvu.links.services import timeline
from dangvu.orgs.models import Org


def _attach(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _criteria(request: AuthenticatedHttpRequest, form: FilterForm) -> selectors.DocumentFilter:
    if not form.is_valid():
        return selectors.DocumentFilter()
    data = form.cleaned_data
    return selectors.DocumentFilter(
        q=data["q"],
        direction=data["direction"],
        status=data["status"],
        doc_type=data["doc_type"],
        secrecy=data["secrecy"],
        date_from=data["date_from"],
        date_to=data["date_to"],
        overdue=data["overdue"],
        mine=data["mine"],
    )


@login_required
def document_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_perm_somewhere(request.user, "documents.view")
    form = FilterForm(request.GET or None)
    rows = selectors.documents(request.user, _criteria(request, form))
    total = selectors.total(rows)
    paginator = LargeListPaginator(
        rows,
        settings.DANGVU_PAGE_SIZE,
        exact_count=total.value if total.exact else None,
        at_least=None if total.exact else total.value,
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "documents/list.html", {"form": form, "page_obj": page, "paginator": paginator})


def _document(request: AuthenticatedHttpRequest, pk: int) -> Document:
    return get_object_or_404(
        Document.objects.visible_to(request.user).select_related(
            "registry_org", "doc_type", "filed_in", "reply", "sender_org"
        ),
        pk=pk,
    )


@login_required
def document_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    context = {
        "document": document,
        "files": document.files.all(),
        "versions": document.versions.all()[:20],
        "reviews": document.reviews.select_related("actor"),
        "assignments": document.assignments.select_related(
            "lead_org", "lead_user", "assigned_by"
        ).prefetch_related("coordinators"),
        "notes": document.notes.select_related("author"),
        "deliveries": document.deliveries.select_related("recipient"),
        "actions": DOCUMENTS.available(request.user, document),
        "timeline": timeline(document, request.user, limit=50),
        "metadata_only": not files_allowed(document.secrecy),
        "may_file": document.status in services.FILEABLE
        and has_perm(request.user, "documents.register", document.registry_org),
        "may_reply": document.direction == "incoming"
        and document.status in services.REPLYING
        and has_perm(request.user, "documents.draft", document.registry_org)
        and (
            services.may_handle(request.user, document)
            or has_perm(request.user, "documents.register", document.registry_org)
        ),
        "exportable": document.direction == "outgoing"
        and not document.secrecy
        and has_perm(request.user, "documents.draft", document.registry_org),
    }
    actions: Any = context["actions"]
    context["may_sign_with_token"] = not context["metadata_only"] and any(a.name == "sign" for a in actions)
    context["proposals"], context["use_proposals"] = _proposals(document, context["actions"])
    return render(request, "documents/detail.html", context)


_PROPOSAL_LABELS = {
    "number_text": gettext_lazy("Số, ký hiệu"),
    "issued_on": gettext_lazy("Ngày văn bản"),
    "sender_name": gettext_lazy("Cơ quan gửi"),
    "doc_type": gettext_lazy("Loại văn bản"),
}


def _proposals(document: Document, actions: Any) -> tuple[list[dict[str, Any]], str]:
    """The OCR's proposals that differ from the register (label, registered, proposed, the scanned line)
    and the link that opens the "correct" form filled with them (when the user may correct)."""
    from urllib.parse import urlencode

    from dangvu.documents.models import DocumentType

    rows, prefill = [], {}
    for name, label in _PROPOSAL_LABELS.items():
        proposal = (document.ocr_proposals or {}).get(name)
        if not isinstance(proposal, dict) or not proposal.get("value"):
            continue
        value = str(proposal["value"])
        current: Any = getattr(document, name)
        if name == "issued_on":
            shown = date.fromisoformat(value).strftime("%d/%m/%Y")
            prefill[name] = shown
            same = current is not None and current.isoformat() == value
            current = current.strftime("%d/%m/%Y") if current else ""
        elif name == "doc_type":
            kind = DocumentType.objects.filter(code=value).first()
            if kind is None:
                continue
            shown, prefill[name], same = str(kind.name), value, kind.pk == document.doc_type_id
            current = document.doc_type.name
        else:
            shown, prefill[name] = value, value
            same = str(current or "").casefold() == value.casefold()
        rows.append(
            {
                "label": label,
                "current": current,
                "proposed": shown,
                "source": proposal.get("source", ""),
                "same": same,
            }
        )
    may_correct = any(action.name == "correct" for action in actions)
    link = ""
    if may_correct and any(not row["same"] for row in rows):
        link = reverse("documents:verb", args=[document.pk, "correct"]) + "?" + urlencode(prefill)
    return rows, link


def _reply_initial(request: AuthenticatedHttpRequest, pk: str) -> tuple[Document | None, dict[str, Any]]:
    """The incoming document a reply answers (``?reply_to=``) and what the reply's form starts with:
    the unit, a letter (công văn) to the sender's unit, the subject naming what it answers."""
    from dangvu.documents.models import DocumentType

    incoming = (
        Document.objects.visible_to(request.user)
        .filter(direction="incoming", pk=int(pk))
        .select_related("registry_org", "doc_type", "sender_org")
        .first()
        if pk.isdigit() and len(pk) < 12
        else None
    )
    if incoming is None:
        return None, {}
    letter = DocumentType.objects.filter(active=True, is_letter=True).order_by("pk").first()
    what = f"{incoming.doc_type.name.lower()} số {incoming.number_text}" if incoming.number_text else ""
    initial: dict[str, Any] = {
        "org": incoming.registry_org,
        "reply_to": incoming.pk,
        "subject": f"trả lời {what or incoming.doc_type.name.lower()} của {incoming.sender_name}",
        "recipients_text": f"{incoming.sender_name}\nLưu Văn phòng",
    }
    if letter is not None:
        initial["doc_type"] = letter
    if incoming.sender_org is not None:
        initial["recipients"] = [incoming.sender_org]
    return incoming, initial


@login_required
def document_new_outgoing(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_perm_somewhere(request.user, "documents.draft")
    units = Org.objects.visible_to(request.user, "documents.draft").filter(status="active")
    reply_to, initial = _reply_initial(request, request.GET.get("reply_to", ""))
    form = OutgoingForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        answered = data.pop("reply_to")
        if answered is not None:
            reply_to, _initial = _reply_initial(request, str(answered))
            if reply_to is None:
                raise Http404
        try:
            document = services.document_draft(actor=request.user, reply_to=reply_to, **data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect(document.get_absolute_url())
    title = _("Soạn văn bản trả lời") if reply_to is not None else _("Soạn văn bản đi")
    return render(
        request,
        "documents/form.html",
        {"form": form, "title": title, "multipart": False, "reply_to": reply_to},
    )


@login_required
def document_new_incoming(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_perm_somewhere(request.user, "documents.register")
    units = Org.objects.visible_to(request.user, "documents.register").filter(status="active")
    own = selectors.own_unit(units)
    form = IncomingForm(
        request.POST or None, request.FILES or None, units=units, initial={"org": own} if own else {}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        number = data.pop("number")
        try:
            document = services.document_register_incoming(
                actor=request.user,
                number_text=number,
                file_name=upload.name if upload else "",
                content=upload.read() if upload else None,
                **data,
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("Đã vào sổ văn bản đến số %(n)s.") % {"n": document.incoming_number})
            return redirect(document.get_absolute_url())
    return render(
        request,
        "documents/form.html",
        {
            "form": form,
            "title": _("Vào sổ văn bản đến"),
            "multipart": True,
            "ocr_off": not _ocr_on(),
            "party_network": on_party_network(),
        },
    )


def _ocr_on() -> bool:
    from dangvu.documents.ocr import ocr_available

    return ocr_available()


@login_required
def document_verb(request: AuthenticatedHttpRequest, pk: int, verb: str) -> HttpResponse:
    transition = DOCUMENTS.get(verb)
    if transition is None:
        raise Http404
    document = _document(request, pk)
    if not DOCUMENTS.may(request.user, transition, document):
        raise PermissionDenied(_("Bạn không có quyền thực hiện “%(verb)s”.") % {"verb": transition.title})
    form_class = DOCUMENTS.form_class(verb)
    # A link may prefill the form (the OCR proposals' "use them" link): only known fields, bounded.
    initial = {name: value[:300] for name, value in request.GET.items() if name in form_class.base_fields}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            DOCUMENTS.fire(verb, actor=request.user, obj=document, values=form.cleaned_data)
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(
                request, _("Đã thực hiện: %(action)s.") % {"action": str(transition.title).lower()}
            )
            return redirect(document.get_absolute_url())
    return render(
        request,
        "documents/form.html",
        {
            "form": form,
            "title": f"{transition.title}: {document.subject[:80]}",
            "document": document,
            "confirm": transition.confirm,
        },
    )


@login_required
def document_file(request: AuthenticatedHttpRequest, pk: int, file_pk: int) -> HttpResponse:
    document = _document(request, pk)
    chosen = get_object_or_404(document.files.all(), pk=file_pk)
    record, content = services.open_file(actor=request.user, document=document, kind=chosen.kind)
    if record.pk != chosen.pk:  # an older version of that kind: serve exactly it
        from dangvu.documents import storage

        record, content = chosen, storage.read(chosen)
    response = HttpResponse(content, content_type=record.content_type)
    response["Content-Disposition"] = f'inline; filename="{record.name}"'
    return response


def _download(request: AuthenticatedHttpRequest, pk: int, export: Any, content_type: str) -> HttpResponse:
    document = _document(request, pk)
    try:
        name, content = export(actor=request.user, document=document)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(document.get_absolute_url())
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if content_type == "application/pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@login_required
def document_draft_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The outgoing document laid out in the Party format, as the signer will sign it."""
    return _download(request, pk, printing.draft_pdf, "application/pdf")


@login_required
def document_draft_docx(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The outgoing document as .docx, to edit in a word processor."""
    return _download(request, pk, printing.draft_docx, DOCX)


@login_required
def register_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Print a unit's register of incoming or outgoing documents for a year (.xlsx or PDF)."""
    require_perm_somewhere(request.user, "documents.view")
    units = Org.objects.visible_to(request.user, "documents.view")
    form = RegisterForm(request.GET or None, units=units, initial={"year": timezone.localdate().year})
    if form.is_valid():
        data = form.cleaned_data
        name, content, content_type = registers.register_export(
            actor=request.user,
            org=data["org"],
            direction=data["direction"],
            year=data["year"],
            format=data["format"],
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "documents/register.html", {"form": form})


@login_required
def kpi_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_perm_somewhere(request.user, "documents.view")
    today = timezone.localdate()
    figures = kpis.kpi(request.user, today.replace(month=1, day=1), today)
    return render(request, "documents/kpi.html", {"kpi": figures, "year": today.year})


@login_required
def kpi_panel(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The documents panel of a unit's page (htmx fragment): the unit's figures this year."""
    org = get_object_or_404(
        Org.objects.visible_to(request.user, "documents.view"), code=request.GET.get("org", "")[:40]
    )
    today = timezone.localdate()
    rows = Document.objects.visible_to(request.user).filter(registry_org=org)
    figures = kpis.kpi(request.user, today.replace(month=1, day=1), today, rows=rows)
    return render(request, "documents/kpi_panel.html", {"kpi": figures, "org": org})
