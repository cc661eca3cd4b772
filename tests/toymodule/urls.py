from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from tests.toymodule.models import Note

app_name = "toy"


@login_required
def index(request: HttpRequest) -> HttpResponse:
    titles = ", ".join(Note.objects.visible_to(request.user).values_list("title", flat=True))
    return HttpResponse(f"<h1>Sổ tay thử nghiệm</h1><p>{titles}</p>")


@login_required
def panel(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p data-testid=toy-panel>Ghi chú của đơn vị</p>")


urlpatterns = [path("", index, name="index"), path("panel/", panel, name="panel")]
