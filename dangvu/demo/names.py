"""Realistic Vietnamese names and places for demo data (frequencies roughly as in the population)."""

from pathlib import Path

_NAMES_FILE = Path(__file__).resolve().parent / "data" / "names_vi.tsv"


def _load_names() -> dict[tuple[str, str], list[tuple[str, int]]]:
    """(kind, sex) → [(name, weight), …] from ``data/names_vi.tsv`` (its header says where they come from)."""
    tables: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for line in _NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, sex, name, weight = line.split("\t")
        tables.setdefault((kind, sex), []).append((name, int(weight)))
    return tables


_TABLES = _load_names()
# (name, relative weight) pairs; the generator draws each part of a name by weight.
FAMILY = _TABLES[("family", "-")]
MIDDLE_MALE = _TABLES[("middle", "male")]
MIDDLE_FEMALE = _TABLES[("middle", "female")]
GIVEN_MALE = _TABLES[("given", "male")]
GIVEN_FEMALE = _TABLES[("given", "female")]

PROVINCES = [
    ("Hà Nội", "HN", 1),
    ("Huế", "HUE", 46),
    ("Lai Châu", "LCH", 12),
    ("Điện Biên", "ĐB", 11),
    ("Sơn La", "SL", 14),
    ("Lạng Sơn", "LS", 20),
    ("Quảng Ninh", "QN", 22),
    ("Thanh Hóa", "TH", 38),
    ("Nghệ An", "NA", 40),
    ("Hà Tĩnh", "HT", 42),
    ("Cao Bằng", "CB", 4),
    ("Tuyên Quang", "TQ", 8),
    ("Lào Cai", "LC", 10),
    ("Thái Nguyên", "TN", 19),
    ("Phú Thọ", "PT", 25),
    ("Bắc Ninh", "BN", 24),
    ("Hưng Yên", "HY", 33),
    ("Hải Phòng", "HP", 31),
    ("Ninh Bình", "NB", 37),
    ("Quảng Trị", "QT", 45),
    ("Đà Nẵng", "ĐN", 48),
    ("Quảng Ngãi", "QNG", 51),
    ("Gia Lai", "GL", 52),
    ("Khánh Hòa", "KH", 56),
    ("Lâm Đồng", "LĐ", 68),
    ("Đắk Lắk", "ĐL", 66),
    ("Thành phố Hồ Chí Minh", "HCM", 79),
    ("Đồng Nai", "ĐNA", 75),
    ("Tây Ninh", "TNI", 72),
    ("Cần Thơ", "CT", 92),
    ("Vĩnh Long", "VL", 86),
    ("Đồng Tháp", "ĐT", 87),
    ("Cà Mau", "CM", 96),
    ("An Giang", "AG", 89),
]
CENTRAL = [
    ("Đảng bộ Quân đội", "QĐ"),
    ("Đảng bộ Công an Trung ương", "CATW"),
    ("Đảng bộ các cơ quan Đảng Trung ương", "CQĐTW"),
    ("Đảng bộ Chính phủ", "CP"),
    ("Đảng bộ Quốc hội", "QH"),
    ("Đảng bộ Mặt trận Tổ quốc và các đoàn thể Trung ương", "MTTQ"),
]
PLACE_WORDS = [
    "An",
    "Bình",
    "Hòa",
    "Phú",
    "Tân",
    "Thạnh",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Trung",
    "Hưng",
    "Long",
    "Phước",
    "Thuận",
    "Vĩnh",
    "Xuân",
    "Quang",
    "Minh",
    "Đức",
    "Hải",
    "Sơn",
    "Lộc",
    "Thịnh",
    "Yên",
    "Mỹ",
    "Hiệp",
    "Thành",
    "Tiến",
    "Lạc",
    "Hợp",
    "Khánh",
    "Gia",
    "Cẩm",
    "Kim",
    "Ngọc",
    "Hồng",
    "Định",
]
PROVINCE_COMMITTEES = [
    "Đảng ủy các cơ quan Đảng tỉnh",
    "Đảng ủy Ủy ban nhân dân tỉnh",
    "Đảng ủy Quân sự tỉnh",
    "Đảng ủy Công an tỉnh",
]
GRASSROOTS_KINDS = [
    "Chi bộ thôn {n}",
    "Chi bộ khu phố {n}",
    "Chi bộ Trường Tiểu học {p}",
    "Chi bộ Trường THCS {p}",
    "Chi bộ Trạm Y tế",
    "Đảng bộ Trường THPT {p}",
    "Đảng bộ Công ty Cổ phần {p}",
    "Chi bộ Hợp tác xã {p}",
    "Đảng bộ Trung tâm Y tế {p}",
    "Chi bộ Quân sự",
    "Chi bộ Công an",
]
OCCUPATIONS = [
    "Cán bộ, công chức",
    "Viên chức",
    "Giáo viên",
    "Bác sĩ",
    "Nông dân",
    "Công nhân",
    "Hưu trí",
    "Kinh doanh",
    "Bộ đội",
    "Công an",
    "Sinh viên",
    "Lao động tự do",
    "Kỹ sư",
    "Nhân viên văn phòng",
]
