"""Generated Vietnamese documents for the document search benchmark: vocabulary, frequencies, COPY rows.

The words are folded Vietnamese syllables (what ``search_text`` holds). Their frequencies come from real
administrative Vietnamese: the syllables of the project's own Vietnamese texts (the interface messages and
the press articles in ../shared/seeds), counted, so "dang", "cua", "cac", "va", "thuc" lead as they do in
Party documents. Behind them a long tail: the rest of the syllable inventory (onsets × rhymes), people's
names, place names, numbers and dates, and in scanned documents OCR's misread syllables (a letter lost or
changed), each rarer the further down, so that queries range from words in nearly every document to words
in a handful, and short prefixes ("ng", "th", "qu") expand to hundreds of index entries as they do in real
text.
"""

from __future__ import annotations

import collections
import itertools
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent.parent / "shared" / "seeds"  # /work/shared/seeds beside the checkouts

_ONSETS = [
    *[
        "b",
        "c",
        "ch",
        "d",
        "g",
        "gh",
        "gi",
        "h",
        "k",
        "kh",
        "l",
        "m",
        "n",
        "ng",
        "ngh",
        "nh",
        "p",
        "ph",
        "qu",
        "r",
        "s",
        "t",
        "th",
        "tr",
        "v",
        "x",
    ],
    "",
]
_RHYMES = [
    "a",
    "ac",
    "ach",
    "ai",
    "am",
    "an",
    "ang",
    "anh",
    "ao",
    "ap",
    "at",
    "au",
    "ay",
    "e",
    "ec",
    "em",
    "en",
    "eng",
    "eo",
    "ep",
    "et",
    "ech",
    "enh",
    "eu",
    "i",
    "ia",
    "ich",
    "iem",
    "ien",
    "iep",
    "iet",
    "ieu",
    "im",
    "in",
    "inh",
    "ip",
    "it",
    "iu",
    "o",
    "oa",
    "oac",
    "oach",
    "oai",
    "oan",
    "oang",
    "oanh",
    "oat",
    "oay",
    "oc",
    "oe",
    "oi",
    "om",
    "on",
    "ong",
    "ooc",
    "op",
    "ot",
    "u",
    "ua",
    "uan",
    "uang",
    "uat",
    "uc",
    "ue",
    "uech",
    "uenh",
    "ui",
    "um",
    "un",
    "ung",
    "uoc",
    "uoi",
    "uom",
    "uon",
    "uong",
    "uop",
    "uot",
    "up",
    "ut",
    "uu",
    "uy",
    "uya",
    "uyen",
    "uyet",
    "uynh",
    "y",
    "yen",
    "yet",
    "yeu",
]

# Administrative text the counts are taken from when the seeds are not at hand.
_FALLBACK = """
dang uy ban thuong vu chi bo cong tac ve viec trien khai thuc hien ke hoach nghi quyet quyet dinh bao cao
to chuc can bo kiem tra giam sat tuyen giao dan van chuyen doi so phat trien dang vien kinh te xa hoi tinh
huyen xa phuong nhan dan mat tran to quoc doan thanh nien phu nu hoc tap lam theo tu tuong dao duc phong
cach ho chi minh nam thang tong ket danh gia xep loai chat luong co so dai hoi nhiem ky cac va cua trong
duoc cho voi nhung mot da tai den khong co de theo tren nay
"""

SENDERS = [
    "Văn phòng Tỉnh ủy",
    "Ban Tổ chức Tỉnh ủy",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Ủy ban nhân dân tỉnh",
    "Hội đồng nhân dân tỉnh",
    "Ban Thường vụ Huyện ủy",
    "Đảng ủy xã",
    "Đảng ủy phường",
    "Văn phòng Trung ương Đảng",
    "Ban Tổ chức Trung ương",
    "Mặt trận Tổ quốc Việt Nam tỉnh",
    "Tỉnh đoàn",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Hội Cựu chiến binh tỉnh",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Thông tin và Truyền thông",
    "Công an tỉnh",
    "Bộ Chỉ huy Quân sự tỉnh",
]
ABBREVIATIONS = ["CV", "CV", "CV", "TB", "KH", "BC", "NQ", "QĐ", "CT", "HD", "KL", "GM", "TTr", "QC"]
ORGANS = ["TU", "HU", "ĐU", "VPTU", "BTCTU", "BTGTU", "UBKTTU", "UBND", "TW", "VPTW"]
_FOLD = str.maketrans(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd",
)
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text).lower().translate(_FOLD)


def _corpus_counts() -> collections.Counter[str]:
    texts = [_FALLBACK]
    po = ROOT / "dangvu" / "locale" / "en" / "LC_MESSAGES" / "django.po"
    if po.exists():
        texts += re.findall(r'msgid "(.*)"', po.read_text(encoding="utf-8"))
    if SEEDS.is_dir():
        texts += [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    counts: collections.Counter[str] = collections.Counter()
    for text in texts:
        # Syllables only: letters, no digits (numbers are drawn on their own), at most 7 letters.
        counts.update(w for w in _WORD.findall(fold(text)) if w.isalpha() and len(w) <= 7 and w != "s")
    return counts


def _names() -> list[str]:
    import sys

    sys.path.insert(0, str(ROOT))
    from dangvu.demo import names

    words: list[str] = []
    for table in (names.FAMILY, names.MIDDLE_MALE, names.MIDDLE_FEMALE, names.GIVEN_MALE, names.GIVEN_FEMALE):
        for name, _weight in table:
            words += _WORD.findall(fold(name))
    for province, _code, _number in names.PROVINCES:
        words += _WORD.findall(fold(province))
    return list(dict.fromkeys(words))


class Vocabulary:
    """Words with cumulative weights (``draw`` picks by frequency), and the groups queries come from."""

    def __init__(self) -> None:
        counts = _corpus_counts()
        head = [word for word, _count in counts.most_common()]
        weight = [float(count) for _word, count in counts.most_common()]
        known = set(head)
        inventory = [o + r for o in _ONSETS for r in _RHYMES]
        random.Random(5).shuffle(inventory)
        tail = [w for w in dict.fromkeys([*_names(), *inventory]) if w not in known]
        # The tail continues the head's Zipf-like fall: rank r weighs (r0 / r) ** 1.1 of the last count.
        last = weight[-1]
        r0 = len(head)
        for rank, word in enumerate(tail, start=r0 + 1):
            head.append(word)
            weight.append(last * (r0 / rank) ** 1.1)
        self.words = head
        self.cumulative = list(itertools.accumulate(weight))
        self.total = self.cumulative[-1]
        self.common = head[:60]
        self.rare = head[len(head) // 2 :]

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)

    def share_of_text(self, prefix: str) -> float:
        """The share of the words of the text that start with ``prefix`` (for the report)."""
        shares = [self.cumulative[0]] + [b - a for a, b in itertools.pairwise(self.cumulative)]
        return sum(s for w, s in zip(self.words, shares, strict=True) if w.startswith(prefix)) / self.total


def _ocr(rng: random.Random, words: list[str]) -> list[str]:
    """Words as OCR reads a scan: about 3 in 100 lose or change a letter."""
    for _ in range(round(len(words) * 0.03)):
        at = rng.randrange(len(words))
        word = words[at]
        if len(word) > 2:
            i = rng.randrange(len(word))
            words[at] = word[:i] + (rng.choice("aceinot") if rng.random() < 0.5 else "") + word[i + 1 :]
    return words


def _length(rng: random.Random) -> int:
    """Words in a body or an OCR text: mostly 40–150, some long ones (a log-normal, median ~67)."""
    return max(20, min(1200, int(rng.lognormvariate(4.2, 0.6))))


_EPOCH = datetime(2021, 1, 1, tzinfo=UTC)


def document_rows(start: int, stop: int, vocabulary: Vocabulary, org_id: int, type_id: int) -> str:
    """COPY text for documents ``start`` … ``stop`` - 1 (deterministic: the same ``i`` gives the same
    document), newest last: ``created_at`` grows with ``i`` (about 5 years for a million)."""
    lines = []
    for i in range(start, stop):
        rng = random.Random(i * 7919 + 13)
        incoming = rng.random() < 0.7
        subject_words = vocabulary.draw(rng, rng.randint(8, 25))
        text_words = vocabulary.draw(rng, _length(rng))
        if rng.random() < 0.3:  # a person's name, a date
            text_words += vocabulary.draw(rng, 3)
            text_words += [str(rng.randint(1, 28)), str(rng.randint(1, 12)), str(rng.randint(2021, 2026))]
        if incoming:
            text_words = _ocr(rng, text_words)
        number = rng.randint(1, 400)
        abbreviation, organ = rng.choice(ABBREVIATIONS), rng.choice(ORGANS)
        number_text = f"{number:02d}-{abbreviation}/{organ}"
        number_key = f"{number} {fold(abbreviation)} {fold(organ)}"
        sender = rng.choice(SENDERS)
        subject = " ".join(subject_words).capitalize()
        text = " ".join(text_words)
        search_text = " ".join(
            [*_WORD.findall(fold(number_text)), *subject_words, *_WORD.findall(fold(sender)), *text_words]
        )
        created = _EPOCH + timedelta(seconds=i * 157)
        stamp = created.isoformat()
        day = created.date().isoformat()
        lines.append(
            "\t".join(
                [
                    "incoming" if incoming else "outgoing",
                    str(org_id),
                    "registered" if incoming else "issued",
                    str(type_id),
                    str(number),
                    abbreviation + "/" + organ,
                    number_text,
                    number_key,
                    day,
                    subject,
                    " ".join(subject_words),
                    "" if incoming else text,
                    sender if incoming else "",
                    str(created.year),
                    str(i + 1) if incoming else "\\N",
                    day if incoming else "\\N",
                    "done" if incoming else "",
                    text if incoming else "",
                    search_text,
                    stamp,
                    stamp,
                    _CONSTANTS,
                ]
            )
        )
    return "\n".join(lines) + "\n"


COLUMNS = [
    "direction",
    "registry_org_id",
    "status",
    "doc_type_id",
    "number",
    "symbol",
    "number_text",
    "number_key",
    "issued_on",
    "subject",
    "subject_key",
    "body",
    "sender_name",
    "register_year",
    "incoming_number",
    "received_on",
    "ocr_status",
    "ocr_text",
    "search_text",
    "created_at",
    "updated_at",
    # NOT NULL columns the model fills with its defaults
    "secrecy",
    "urgency",
    "signer_title",
    "signer_name",
    "authority",
    "recipients_text",
    "approval_step",
    "deadline_by_hand",
    "electronic",
    "result",
    "result_note",
    "signature_report",
    "ocr_proposals",
]
_CONSTANTS = "\t".join(["", "", "", "", "", "", "0", "f", "f", "", "", "{}", "{}"])
