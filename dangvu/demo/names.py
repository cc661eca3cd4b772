"""Realistic Vietnamese names and places for demo data (frequencies roughly as in the population)."""

FAMILY = [
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 30), ("Huỳnh", 21), ("Phan", 45),
    ("Vũ", 22), ("Võ", 17), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10),
    ("Lý", 5), ("Đinh", 6), ("Trương", 5), ("Đào", 5), ("Đoàn", 4), ("Lương", 3), ("Mai", 3), ("Tô", 2),
    ("Hà", 3), ("Lâm", 2), ("Tạ", 2), ("Chu", 1), ("Kiều", 1), ("Lò", 1), ("Hoàng Thị", 0),
]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thanh", "Xuân", "Ngọc", "Đình", "Mạnh", "Tuấn",
               "Quốc", "Trọng", "Duy", "Anh", "Hoàng", "Việt", "Thành", "Bá", "Gia", "Khắc"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Thùy", "Kim", "Hồng", "Mai",
                 "Bích", "Diệu", "Hải", "Khánh", "Lan", "Quỳnh", "Tường", "Bảo"]
GIVEN_MALE = ["An", "Anh", "Bảo", "Bình", "Cường", "Chiến", "Công", "Dũng", "Duy", "Đạt", "Đức", "Giang", "Hải",
              "Hiếu", "Hiệp", "Hòa", "Hoàng", "Hùng", "Huy", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lợi", "Mạnh",
              "Minh", "Nam", "Nghĩa", "Ngọc", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Tâm", "Thắng",
              "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Xuân", "Đông", "Ước"]
GIVEN_FEMALE = ["An", "Anh", "Ánh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
                "Hồng", "Huệ", "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc",
                "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Thảo", "Thơm", "Thu", "Thủy", "Trang", "Uyên", "Vân",
                "Yến", "Ý"]

PROVINCES = [
    ("Hà Nội", "HN", 1), ("Huế", "HUE", 46), ("Lai Châu", "LCH", 12), ("Điện Biên", "ĐB", 11), ("Sơn La", "SL", 14),
    ("Lạng Sơn", "LS", 20), ("Quảng Ninh", "QN", 22), ("Thanh Hóa", "TH", 38), ("Nghệ An", "NA", 40),
    ("Hà Tĩnh", "HT", 42), ("Cao Bằng", "CB", 4), ("Tuyên Quang", "TQ", 8), ("Lào Cai", "LC", 10),
    ("Thái Nguyên", "TN", 19), ("Phú Thọ", "PT", 25), ("Bắc Ninh", "BN", 24), ("Hưng Yên", "HY", 33),
    ("Hải Phòng", "HP", 31), ("Ninh Bình", "NB", 37), ("Quảng Trị", "QT", 45), ("Đà Nẵng", "ĐN", 48),
    ("Quảng Ngãi", "QNG", 51), ("Gia Lai", "GL", 52), ("Khánh Hòa", "KH", 56), ("Lâm Đồng", "LĐ", 68),
    ("Đắk Lắk", "ĐL", 66), ("Thành phố Hồ Chí Minh", "HCM", 79), ("Đồng Nai", "ĐNA", 75), ("Tây Ninh", "TNI", 72),
    ("Cần Thơ", "CT", 92), ("Vĩnh Long", "VL", 86), ("Đồng Tháp", "ĐT", 87), ("Cà Mau", "CM", 96), ("An Giang", "AG", 89),
]
CENTRAL = [
    ("Đảng bộ Quân đội", "QĐ"), ("Đảng bộ Công an Trung ương", "CATW"), ("Đảng bộ các cơ quan Đảng Trung ương", "CQĐTW"),
    ("Đảng bộ Chính phủ", "CP"), ("Đảng bộ Quốc hội", "QH"), ("Đảng bộ Mặt trận Tổ quốc và các đoàn thể Trung ương", "MTTQ"),
]
PLACE_WORDS = ["An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Đông", "Tây", "Nam", "Bắc", "Trung", "Hưng", "Long",
               "Phước", "Thuận", "Vĩnh", "Xuân", "Quang", "Minh", "Đức", "Hải", "Sơn", "Lộc", "Thịnh", "Yên",
               "Mỹ", "Hiệp", "Thành", "Tiến", "Lạc", "Hợp", "Khánh", "Gia", "Cẩm", "Kim", "Ngọc", "Hồng", "Định"]
PROVINCE_COMMITTEES = [
    "Đảng ủy các cơ quan Đảng tỉnh", "Đảng ủy Ủy ban nhân dân tỉnh", "Đảng ủy Quân sự tỉnh", "Đảng ủy Công an tỉnh",
]
GRASSROOTS_KINDS = [
    "Chi bộ thôn {n}", "Chi bộ khu phố {n}", "Chi bộ Trường Tiểu học {p}", "Chi bộ Trường THCS {p}",
    "Chi bộ Trạm Y tế", "Đảng bộ Trường THPT {p}", "Đảng bộ Công ty Cổ phần {p}", "Chi bộ Hợp tác xã {p}",
    "Đảng bộ Trung tâm Y tế {p}", "Chi bộ Quân sự", "Chi bộ Công an",
]
