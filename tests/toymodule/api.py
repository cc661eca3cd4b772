from django.http import HttpRequest
from ninja import Router

from tests.toymodule.models import Note

router = Router(tags=["toy"])


@router.get("", summary="Ghi chú thử nghiệm", operation_id="toy_notes")
def notes(request: HttpRequest) -> list[str]:
    return list(Note.objects.visible_to(request.user).values_list("title", flat=True))
