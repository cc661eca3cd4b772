from django.apps import AppConfig


class WebConfig(AppConfig):
    """The shell: home page, navigation, error pages. It reads the modules' descriptions."""

    name = "dangvu.web"
    label = "web"
    verbose_name = "Giao diện"

    def ready(self) -> None:
        register_final_actions()


def register_final_actions() -> None:
    """The confirmations of the final actions on today's screens, until the workflow registry names them
    (the keys are URL names; no module is imported)."""
    from django.utils.translation import gettext_lazy as _

    from dangvu.web.confirm import Confirmation, register_confirmation

    register_confirmation(
        "members:verb:remove",
        Confirmation(
            _("Xóa tên đảng viên?"),
            _(
                "Từ ngày quyết định, đảng viên chuyển sang trạng thái “Xóa tên”: không còn trong danh sách "
                "sinh hoạt và số liệu đảng viên của chi bộ. Muốn trở lại phải làm thủ tục kết nạp lại."
            ),
            _("Xóa tên"),
        ),
    )
    register_confirmation(
        "members:verb:leave",
        Confirmation(
            _("Cho ra khỏi Đảng?"),
            _(
                "Từ ngày quyết định, đảng viên chuyển sang trạng thái “Ra khỏi Đảng”: không còn trong danh "
                "sách sinh hoạt và số liệu đảng viên. Người xin ra khỏi Đảng không được kết nạp lại, trừ "
                "trường hợp hoàn cảnh gia đình đặc biệt khó khăn."
            ),
            _("Cho ra khỏi Đảng"),
        ),
    )
    register_confirmation(
        "members:verb:end-probation",
        Confirmation(
            _("Xóa tên đảng viên dự bị?"),
            _(
                "Người này không được công nhận đảng viên chính thức và ra khỏi danh sách của chi bộ từ "
                "ngày quyết định."
            ),
            _("Xóa tên dự bị"),
        ),
    )
    register_confirmation(
        "members:verb:discipline",
        Confirmation(
            _("Khai trừ ra khỏi Đảng?"),
            _(
                "Khai trừ là hình thức kỷ luật cao nhất: từ ngày quyết định, đảng viên chuyển sang trạng thái "
                "“Khai trừ” và không còn trong danh sách sinh hoạt, số liệu đảng viên."
            ),
            _("Khai trừ"),
            when_field="form",
            when_value="khai-tru",
        ),
    )
    register_confirmation(
        "members:verb:deceased",
        Confirmation(
            _("Ghi nhận đảng viên từ trần?"),
            _("Hồ sơ chuyển sang trạng thái “Từ trần” và ra khỏi danh sách sinh hoạt của chi bộ."),
            _("Ghi nhận từ trần"),
        ),
    )
    register_confirmation(
        "orgs:dissolve",
        Confirmation(
            _("Giải thể đơn vị?"),
            _(
                "Từ ngày hiệu lực, đơn vị thôi hoạt động: không còn trong cây tổ chức đang hoạt động, không "
                "nhận đảng viên mới. Hồ sơ và lịch sử của đơn vị được giữ lại."
            ),
            _("Giải thể"),
        ),
    )
    register_confirmation(
        "orgs:merge",
        Confirmation(
            _("Hợp nhất vào đơn vị này?"),
            _(
                "Các đơn vị được nhập mã thôi hoạt động (trạng thái “Đã hợp nhất”); đơn vị trực thuộc và đảng "
                "viên của chúng chuyển về đơn vị này từ ngày hiệu lực. Hồ sơ cũ được giữ lại."
            ),
            _("Hợp nhất"),
        ),
    )
