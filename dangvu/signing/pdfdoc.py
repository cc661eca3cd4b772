"""Reading a PDF safely and the form fields the signing flows need (the number and the date).

Every input is bounded: at most the platform's upload cap (``dangvu.core.uploads``), a PDF header,
not encrypted, parsed with pyHanko's limits for untrusted input (no decompression bombs).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import DecodeLimits
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter

from dangvu.core.uploads import max_upload_bytes
from dangvu.signing.errors import SigningError
from dangvu.signing.fonts import embed_font, text_operators, vietnamese_font

Rect = tuple[float, float, float, float]


def check_pdf_bytes(data: bytes) -> None:
    """Refuse what is not a PDF we can read, before pyHanko parses it."""
    if len(data) > max_upload_bytes():
        raise SigningError(
            "too_large",
            _("Tệp PDF quá lớn: tối đa %(mb)d MB."),
            mb=max_upload_bytes() // 1024 // 1024,
        )
    if b"%PDF-" not in data[:1024]:
        raise SigningError("not_pdf", _("Tệp gửi lên không phải là tệp PDF."))


def read_pdf(data: bytes) -> PdfFileReader:
    """A reader over ``data``, or a SigningError saying why the file cannot be read."""
    check_pdf_bytes(data)
    try:
        reader = PdfFileReader(
            io.BytesIO(data), strict=False, decode_limits=DecodeLimits.for_untrusted_input()
        )
        encrypted = reader.encrypted
        if not encrypted:
            reader.root["/Pages"]
    except Exception as error:
        raise SigningError("corrupt", _("Tệp PDF bị hỏng, không đọc được.")) from error
    if encrypted:
        raise SigningError(
            "encrypted", _("Tệp PDF được đặt mật khẩu (mã hóa); hãy gửi bản không đặt mật khẩu.")
        )
    return reader


def incremental_writer(data: bytes) -> IncrementalPdfFileWriter:
    """A writer that appends an incremental update to ``data`` (checked as ``read_pdf`` does)."""
    reader = read_pdf(data)
    return IncrementalPdfFileWriter.from_reader(reader)


def written(writer: BasePdfFileWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _walk_fields(
    fields: generic.ArrayObject, parent: str = ""
) -> Iterator[tuple[str, generic.DictionaryObject, generic.IndirectObject | None]]:
    for item in fields:
        field = item.get_object()
        partial = field.get("/T")
        name = f"{parent}.{partial}" if parent and partial else str(partial or parent)
        yield name, field, item if isinstance(item, generic.IndirectObject) else None
        if "/Kids" in field and any("/T" in kid.get_object() for kid in field["/Kids"]):
            yield from _walk_fields(field["/Kids"], name)


def form_fields(
    root: generic.DictionaryObject,
) -> dict[str, tuple[generic.DictionaryObject, generic.IndirectObject | None]]:
    """Every field of the document's AcroForm by fully qualified name."""
    try:
        fields = root["/AcroForm"]["/Fields"]
    except KeyError:
        return {}
    return {name: (field, ref) for name, field, ref in _walk_fields(fields)}


def text_field(
    root: generic.DictionaryObject, name: str
) -> tuple[generic.DictionaryObject, generic.IndirectObject | None]:
    """The text field ``name``, or a SigningError."""
    found = form_fields(root).get(name)
    if found is None or found[0].get("/FT") != "/Tx":
        raise SigningError("field_missing", _("Tệp PDF không có ô văn bản “%(field)s” để điền."), field=name)
    return found


def field_value(field: generic.DictionaryObject) -> str:
    value = field.get("/V")
    return str(value) if value is not None else ""


@dataclass(frozen=True)
class TextFieldSpec:
    """An empty text field to place on a page: its name, the page (0 = first) and its box in points
    (x0, y0, x1, y1 from the bottom-left corner of the page)."""

    name: str
    page: int
    rect: Rect


def _form(writer: BasePdfFileWriter) -> generic.DictionaryObject:
    root = writer.root
    if "/AcroForm" not in root:
        root[pdf_name("/AcroForm")] = writer.add_object(
            generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject()})
        )
        writer.update_root()
    form: generic.DictionaryObject = root["/AcroForm"]
    return form


def _appearance(
    writer: BasePdfFileWriter, rect: Rect, content: bytes, font: generic.IndirectObject | None
) -> generic.IndirectObject:
    width, height = rect[2] - rect[0], rect[3] - rect[1]
    resources = generic.DictionaryObject()
    if font is not None:
        resources[pdf_name("/Font")] = generic.DictionaryObject({pdf_name("/DGV"): font})
    return writer.add_object(
        generic.StreamObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Form"),
                pdf_name("/BBox"): generic.ArrayObject(generic.FloatObject(v) for v in (0, 0, width, height)),
                pdf_name("/Resources"): resources,
            },
            stream_data=content,
        )
    )


def add_text_fields(data: bytes, specs: list[TextFieldSpec]) -> bytes:
    """Return ``data`` with empty, visible text fields added (for a document not signed yet: the
    number and date places the issuing step fills). The fields print, have no border and are read-only
    for viewers (only the issuing step fills them)."""
    writer = incremental_writer(data)
    form = _form(writer)
    existing = form_fields(writer.root)
    for spec in specs:
        if spec.name in existing:
            raise SigningError("field_exists", _("Tệp PDF đã có ô “%(field)s”."), field=spec.name)
        page_ref, _resources = writer.find_page_for_modification(spec.page)
        page = page_ref.get_object()
        field_ref = writer.add_object(
            generic.DictionaryObject(
                {
                    pdf_name("/FT"): pdf_name("/Tx"),
                    pdf_name("/T"): pdf_string(spec.name),
                    pdf_name("/Ff"): generic.NumberObject(1),  # read-only in viewers
                    pdf_name("/DA"): pdf_string("/Helv 0 Tf 0 g"),
                    pdf_name("/Type"): pdf_name("/Annot"),
                    pdf_name("/Subtype"): pdf_name("/Widget"),
                    pdf_name("/F"): generic.NumberObject(4),  # print
                    pdf_name("/Rect"): generic.ArrayObject(generic.FloatObject(v) for v in spec.rect),
                    pdf_name("/P"): page_ref,
                    pdf_name("/AP"): generic.DictionaryObject(
                        {pdf_name("/N"): _appearance(writer, spec.rect, b"", None)}
                    ),
                }
            )
        )
        if "/Annots" in page:
            page["/Annots"].append(field_ref)
            if isinstance(page.raw_get("/Annots"), generic.IndirectObject):
                writer.mark_update(page.raw_get("/Annots"))
        else:
            page[pdf_name("/Annots")] = generic.ArrayObject([field_ref])
        writer.update_container(page)
        form["/Fields"].append(field_ref)
    writer.update_container(form)
    return written(writer)


def fill_text_fields(
    writer: BasePdfFileWriter,
    values: dict[str, str],
    *,
    size: float = 13,
    italic: frozenset[str] = frozenset(),
) -> None:
    """Set the value and draw the appearance (Vietnamese text, centred; in italics for the fields named
    in ``italic``, as the date line of a Party document) of each named empty text field.
    Refuses a field that already has a value: a document number is never overwritten."""
    font_refs: dict[str, generic.IndirectObject] = {}
    drawn = {
        style: "".join(v for n, v in values.items() if (n in italic) == (style == "Italic"))
        for style in ("Regular", "Italic")
    }
    for name, value in values.items():
        field, ref = text_field(writer.root, name)
        if field_value(field):
            raise SigningError(
                "already_numbered",
                _("Ô “%(field)s” đã được điền (“%(value)s”); không điền lại."),
                field=name,
                value=field_value(field),
            )
        style = "Italic" if name in italic else "Regular"
        font = vietnamese_font(style)
        rect = tuple(float(v) for v in field["/Rect"])
        width, height = rect[2] - rect[0], rect[3] - rect[1]
        fitted = size
        while fitted > 6 and font.width(value, fitted) > width - 2:
            fitted -= 0.5
        x = max(1.0, (width - font.width(value, fitted)) / 2)
        top = height - max(0.0, (height - fitted * 1.15) / 2)
        if style not in font_refs:
            font_refs[style] = embed_font(writer, style, drawn[style])
        content = b"/Tx BMC q " + text_operators([(value, fitted)], x=x, top=top, style=style) + b" Q EMC"
        field[pdf_name("/V")] = pdf_string(value)
        field[pdf_name("/AP")] = generic.DictionaryObject(
            {pdf_name("/N"): _appearance(writer, rect, content, font_refs[style])}  # type: ignore[arg-type]
        )
        if ref is not None:
            writer.mark_update(ref)
        else:
            writer.update_container(field)
