from django.urls import path

from dangvu.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/outgoing/", views.document_new_outgoing, name="new_outgoing"),
    path("new/incoming/", views.document_new_incoming, name="new_incoming"),
    path("kpi/", views.kpi_view, name="kpi"),
    path("register/", views.register_export, name="register"),
    path("kpi/panel/", views.kpi_panel, name="kpi_panel"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/files/<int:file_pk>/", views.document_file, name="file"),
    path("<int:pk>/draft.pdf", views.document_draft_pdf, name="draft_pdf"),
    path("<int:pk>/draft.docx", views.document_draft_docx, name="draft_docx"),
    path("<int:pk>/<slug:verb>/", views.document_verb, name="verb"),
]
