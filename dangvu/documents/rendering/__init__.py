"""Party-format documents rendered from templates an administrator can read and adjust.

Each document type names its template (``DocumentType.template``, e.g. ``nghi-quyet``): a Typst file in
``templates/`` (or in ``DANGVU_DOCUMENT_TEMPLATES_DIR`` when set, a copy the administrator edits). All
of them import ``templates/party.typ``, the layout of HD 36-HD/VPTW. A type without a template of its
own uses ``van-ban.typ``. The document's data goes in as JSON (``sys.inputs.data``) and is set as plain
text, never as markup, so nothing a drafter types can change the layout.

Why Typst (the ``typst`` wheel bundles the compiler) rather than WeasyPrint, measured on this machine
(2 cores, shared) for the same two-page resolution with Liberation Serif:

* Typst: 16–20 ms a document once its compiler is warm (about 100 pages/s), one wheel with no system
  library; WeasyPrint 70: 50–110 ms (20–40 pages/s) and it needs Pango/HarfBuzz from the system
  packages; bare fpdf2 with the same font added per document (as ``dangvu.core.pdf`` does): about
  190 ms. ``bench/bench_document_render.py`` measures it again in one run.
* Typst reports where laid-out elements landed (``query``): the empty places for the number and the
  date and the signature box are found wherever the text pushed them, with no second layout pass.
* Its templates are short text files with functions (``party-document``), readable by an
  administrator, and Typst shapes Vietnamese (stacked diacritics) with the vendored Liberation Serif —
  the face ``dangvu.core.pdf`` and the signing service already embed (SIL OFL 1.1, core/fonts).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typst
from django.conf import settings
from django.core.exceptions import ValidationError

from dangvu.core.pdf import FONT_DIR

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
FALLBACK_TEMPLATE = "van-ban"
PLACE_LABEL = "<dangvu-place>"
_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")

Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class Place:
    """An empty place the template left: its page (0 = first) and box in points from the bottom-left."""

    name: str
    page: int
    rect: Rect


@dataclass(frozen=True)
class Output:
    pdf: bytes
    places: dict[str, Place]


def template_dir() -> Path:
    configured = settings.DANGVU_DOCUMENT_TEMPLATES_DIR
    return Path(configured) if configured else TEMPLATE_DIR


def template_path(code: str) -> Path:
    """The template file for a type's template code; the general one when the type has none."""
    folder = template_dir()
    if code and _CODE.fullmatch(code) and (folder / f"{code}.typ").is_file():
        return folder / f"{code}.typ"
    return folder / f"{FALLBACK_TEMPLATE}.typ"


class _Engine:
    """One warm Typst compiler per template file: fonts are loaded once, and layouts are memoised
    between documents. A compile and the query of its places must see the same input, so they run
    under one lock (a compiler keeps the inputs of its last compile)."""

    def __init__(self, path: Path) -> None:
        self.compiler = typst.Compiler(
            str(path),
            root=str(path.parent),
            font_paths=[str(FONT_DIR)],
            ignore_system_fonts=True,
            sys_inputs={"data": "{}"},
        )
        self.lock = threading.Lock()

    def run(self, data: str) -> tuple[bytes, str]:
        with self.lock:
            pdf = self.compiler.compile(sys_inputs={"data": data}, format="pdf")
            places = self.compiler.query(PLACE_LABEL, field="value", format="json")
        assert isinstance(pdf, bytes)
        return pdf, places


@functools.cache
def _engine(path: Path) -> _Engine:
    return _Engine(path)


def _places(reported: str) -> dict[str, Place]:
    places = {}
    for item in json.loads(reported):
        x, top, width, height = item["x"], item["y"], item["width"], item["height"]
        bottom = item["page_height"] - top - height
        places[item["name"]] = Place(item["name"], item["page"] - 1, (x, bottom, x + width, bottom + height))
    return places


def render_template(code: str, data: dict[str, Any]) -> Output:
    """Lay out ``data`` with the template ``code``; the PDF and the places the template reported.
    A template an administrator broke is refused with Typst's own message (nothing is stored)."""
    path = template_path(code)
    try:
        pdf, reported = _engine(path).run(json.dumps(data, ensure_ascii=False))
    except typst.TypstError as error:
        raise ValidationError(
            "Không trình bày được văn bản theo mẫu “%(template)s”: %(message)s",
            params={"template": path.stem, "message": error.message},
        ) from error
    return Output(pdf, _places(reported))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# The draft mark (HD 36-HD/VPTW, element 11b): on every preview of a document not yet signed, never on
# the PDF the signer signs nor on the signed and issued files.
DRAFT_MARK = "DỰ THẢO"
SIGNED_STATES = frozenset({"signed", "awaiting_seal", "issued"})


def is_draft(document: Any) -> bool:
    """Whether ``document``'s text is still a draft (not signed yet): its previews carry the mark."""
    return document.status not in SIGNED_STATES


def document_data(document: Any, *, draft_mark: bool = False) -> dict[str, Any]:
    """What a template is given about ``document`` (an outgoing draft), every value plain text.
    ``draft_mark``: the preview of a draft, marked "DỰ THẢO" on every page."""
    organ = getattr(document.registry_org, "issuing", None)
    greeting = [d.recipient.name for d in document.deliveries.select_related("recipient").order_by("pk")]
    return {
        "organ": document.registry_org.name,
        "parent_line": organ.parent_line if organ is not None else "",
        "place": organ.place if organ is not None else "",
        "type_name": document.doc_type.name,
        "abbreviation": document.doc_type.abbreviation,
        "is_letter": bool(document.doc_type.is_letter),
        "subject": document.subject,
        "body": _lines(document.body),
        "greeting": greeting,  # "Kính gửi:" of a letter (cong-van.typ); other templates ignore it
        "secrecy": document.get_secrecy_display().upper() if document.secrecy else "",
        "urgency": document.get_urgency_display().upper() if document.urgency else "",
        "authority": document.authority,
        "signer_title": document.signer_title,
        "signer_name": document.signer_name,
        "recipients": _lines(document.recipients_text),
        "draft_mark": DRAFT_MARK if draft_mark else "",
    }


def render_document(document: Any, *, draft_mark: bool = False) -> Output:
    """``document``'s draft in the Party format of its type; ``draft_mark`` for a preview of a draft
    (the PDF to be signed is rendered without it)."""
    return render_template(
        document.doc_type.template or document.doc_type.code, document_data(document, draft_mark=draft_mark)
    )
