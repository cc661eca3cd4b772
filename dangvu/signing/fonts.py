"""One Vietnamese font for the text the signing service draws (signature boxes, the number and date).

pyHanko's own font engine subsets the font for every appearance it draws (0.4 s a signature); here
Liberation Serif (the printed documents' face, ``dangvu.core.pdf``) is cut once per process to the
Vietnamese alphabet, digits and punctuation (about 240 glyphs, 30 KB packed), and each appearance
only copies the packed bytes into the PDF as a Type0/Identity-H font.
"""

from __future__ import annotations

import functools
import io
import unicodedata
import zlib
from dataclasses import dataclass

from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.writer import BasePdfFileWriter

from dangvu.core.pdf import FONT_DIR

_VOWELS = "aăâeêioôơuưy"
_TONED = "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
CHARSET = "".join(
    sorted(
        {chr(c) for c in range(0x20, 0x7F)}
        | set(_VOWELS + _TONED + "đ")
        | set((_VOWELS + _TONED + "đ").upper())
        | set("–—…“”‘’°·×")
    )
)
FONT_NAME = "DGVSIG+LiberationSerif"
STYLES = ("Regular", "Italic")  # the date of a Party document is set in italics (HD 36-HD/VPTW)


def font_name(style: str = "Regular") -> str:
    return FONT_NAME if style == "Regular" else f"DGVSIH+LiberationSerif-{style}"


@dataclass(frozen=True)
class SubsetFont:
    """The cut font: glyph ids and advance widths (per 1000 em) by character, and the packed file."""

    glyphs: dict[str, int]
    widths: dict[int, int]
    packed: bytes
    raw_length: int
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int

    def encode(self, text: str) -> bytes:
        """Text as Identity-H glyph codes (characters outside the alphabet become "?")."""
        fallback = self.glyphs["?"]
        return b"".join(
            self.glyphs.get(char, fallback).to_bytes(2, "big") for char in unicodedata.normalize("NFC", text)
        )

    def width(self, text: str, size: float) -> float:
        """Width of ``text`` at ``size`` points."""
        codes = self.encode(text)
        units = sum(self.widths[int.from_bytes(codes[i : i + 2], "big")] for i in range(0, len(codes), 2))
        return units * size / 1000


@functools.cache
def vietnamese_font(style: str = "Regular") -> SubsetFont:
    if style not in STYLES:
        raise ValueError(style)
    font = TTFont(str(FONT_DIR / f"LiberationSerif-{style}.ttf"))
    options = Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM", "DSIG"]
    subsetter = Subsetter(options)
    subsetter.populate(text=CHARSET)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    raw = buffer.getvalue()
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    glyphs = {char: font.getGlyphID(cmap[ord(char)]) for char in CHARSET if ord(char) in cmap}
    metrics = font["hmtx"].metrics
    widths = {font.getGlyphID(name): round(advance * scale) for name, (advance, _lsb) in metrics.items()}
    head, os2 = font["head"], font["OS/2"]
    return SubsetFont(
        glyphs=glyphs,
        widths=widths,
        packed=zlib.compress(raw, 9),
        raw_length=len(raw),
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        ascent=round(os2.sTypoAscender * scale),
        descent=round(os2.sTypoDescender * scale),
        cap_height=round(getattr(os2, "sCapHeight", 660) * scale),
    )


def _array(values: list[int] | tuple[int, ...]) -> generic.ArrayObject:
    return generic.ArrayObject(generic.NumberObject(v) for v in values)


def _to_unicode(font: SubsetFont) -> bytes:
    pairs = sorted((gid, char) for char, gid in font.glyphs.items())
    lines = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        lines.append(b"%d beginbfchar" % len(chunk))
        lines.extend(b"<%04X> <%04X>" % (gid, ord(char)) for gid, char in chunk)
        lines.append(b"endbfchar")
    lines.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(lines)


def _widths(font: SubsetFont, text: str | None) -> generic.ArrayObject:
    """The /W array: every glyph's width, or only those of the glyphs ``text`` uses (an appearance
    draws a few dozen of the 256; a validator walks every number of the array for each revision it
    compares, so a short array makes verification cheaper), as runs of consecutive glyph ids."""
    if text is None:
        gids = sorted(font.widths)
    else:
        used = {font.glyphs.get(char, font.glyphs["?"]) for char in unicodedata.normalize("NFC", text)}
        gids = sorted(used | {font.glyphs["?"]})
    runs: list[list[int]] = []
    for gid in gids:
        if runs and runs[-1][0] + len(runs[-1]) - 1 == gid - 1:
            runs[-1].append(gid)
        else:
            runs.append([gid])
    array = generic.ArrayObject()
    for run in runs:
        array.append(generic.NumberObject(run[0]))
        array.append(_array([font.widths[g] for g in run]))
    return array


def embed_font(
    writer: BasePdfFileWriter, style: str = "Regular", text: str | None = None
) -> generic.IndirectObject:
    """Add the font's objects to ``writer``; returns the Type0 font to name in a /Resources /Font.
    With ``text``, the widths listed are those of its characters only (all the appearance draws)."""
    font = vietnamese_font(style)
    name = font_name(style)
    file_ref = writer.add_object(
        generic.StreamObject(
            {
                pdf_name("/Length1"): generic.NumberObject(font.raw_length),
                pdf_name("/Filter"): pdf_name("/FlateDecode"),
            },
            encoded_data=font.packed,
        )
    )
    descriptor = writer.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/FontDescriptor"),
                pdf_name("/FontName"): pdf_name("/" + name),
                # serif, non-symbolic (and italic)
                pdf_name("/Flags"): generic.NumberObject(34 if style == "Regular" else 34 | 64),
                pdf_name("/FontBBox"): _array(font.bbox),
                pdf_name("/ItalicAngle"): generic.NumberObject(0 if style == "Regular" else -12),
                pdf_name("/Ascent"): generic.NumberObject(font.ascent),
                pdf_name("/Descent"): generic.NumberObject(font.descent),
                pdf_name("/CapHeight"): generic.NumberObject(font.cap_height),
                pdf_name("/StemV"): generic.NumberObject(80),
                pdf_name("/FontFile2"): file_ref,
            }
        )
    )
    cid_font = writer.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/CIDFontType2"),
                pdf_name("/BaseFont"): pdf_name("/" + name),
                pdf_name("/CIDSystemInfo"): generic.DictionaryObject(
                    {
                        pdf_name("/Registry"): pdf_string("Adobe"),
                        pdf_name("/Ordering"): pdf_string("Identity"),
                        pdf_name("/Supplement"): generic.NumberObject(0),
                    }
                ),
                pdf_name("/FontDescriptor"): descriptor,
                pdf_name("/W"): _widths(font, text),
                pdf_name("/CIDToGIDMap"): pdf_name("/Identity"),
            }
        )
    )
    to_unicode = writer.add_object(generic.StreamObject(stream_data=_to_unicode(font)))
    return writer.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/Type0"),
                pdf_name("/BaseFont"): pdf_name("/" + name),
                pdf_name("/Encoding"): pdf_name("/Identity-H"),
                pdf_name("/DescendantFonts"): generic.ArrayObject([cid_font]),
                pdf_name("/ToUnicode"): to_unicode,
            }
        )
    )


def text_operators(
    lines: list[tuple[str, float]], *, x: float, top: float, leading: float = 1.2, style: str = "Regular"
) -> bytes:
    """Content-stream operators drawing ``(text, size)`` lines from ``top`` down, left-aligned at ``x``,
    in the font named /DGV (embedded in ``style``)."""
    font = vietnamese_font(style)
    out = [b"BT"]
    y = top
    for text, size in lines:
        y -= size
        out.append(b"/DGV %g Tf 1 0 0 1 %g %g Tm <%s> Tj" % (size, x, y, font.encode(text).hex().encode()))
        y -= size * (leading - 1)
    out.append(b"ET")
    return b" ".join(out)
