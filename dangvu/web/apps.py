from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The shell: home page, navigation, error pages, the language. It reads the modules' descriptions."""

    name = "dangvu.web"
    label = "web"
    verbose_name = _("Giao diện")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from dangvu.web.language import adopt_language_at_login

        # Infrastructure: whichever view logs the user in, their language choice is applied from there.
        user_logged_in.connect(adopt_language_at_login, dispatch_uid="dangvu-language-at-login")
        register_final_actions()


def register_final_actions() -> None:
    """The confirmations of the units' final actions (member verbs bring theirs from the workflow
    registry). Keys are URL names; no module is imported."""
    from django.utils.translation import gettext_lazy as _

    from dangvu.web.confirm import Confirmation, register_confirmation

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
