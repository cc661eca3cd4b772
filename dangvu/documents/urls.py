from django.urls import path

from dangvu.documents import filing_views, signing_views, views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/outgoing/", views.document_new_outgoing, name="new_outgoing"),
    path("new/incoming/", views.document_new_incoming, name="new_incoming"),
    path("kpi/", views.kpi_view, name="kpi"),
    path("register/", views.register_export, name="register"),
    path("kpi/panel/", views.kpi_panel, name="kpi_panel"),
    path("files/", filing_views.file_list, name="files"),
    path("files/new/", filing_views.file_heading_new, name="file_heading_new"),
    path("files/copy/", filing_views.file_list_copy, name="file_list_copy"),
    path("files/export/", filing_views.file_list_export, name="file_list_export"),
    path("files/<int:pk>/", filing_views.file_heading_detail, name="file_heading"),
    path("files/<int:pk>/edit/", filing_views.file_heading_edit, name="file_heading_edit"),
    path("files/<int:pk>/delete/", filing_views.file_heading_delete, name="file_heading_delete"),
    path("files/<int:pk>/close/", filing_views.file_heading_close, name="file_heading_close"),
    path("files/<int:pk>/reopen/", filing_views.file_heading_reopen, name="file_heading_reopen"),
    path("files/handovers/", filing_views.handover_list, name="handovers"),
    path("files/handovers/<int:pk>/", filing_views.handover_detail, name="handover"),
    path("files/handovers/<int:pk>/pdf/", filing_views.handover_pdf, name="handover_pdf"),
    path("<int:pk>/filing/", filing_views.document_filing, name="filing"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/files/<int:file_pk>/", views.document_file, name="file"),
    path("<int:pk>/draft.pdf", views.document_draft_pdf, name="draft_pdf"),
    path("<int:pk>/draft.docx", views.document_draft_docx, name="draft_docx"),
    path("<int:pk>/sign/token/", signing_views.sign_with_token, name="sign_token"),
    path(
        "<int:pk>/sign/token/<uuid:session>/",
        signing_views.sign_with_token_session,
        name="sign_token_session",
    ),
    path(
        "<int:pk>/sign/token/<uuid:session>/request.json",
        signing_views.sign_with_token_request,
        name="sign_token_request",
    ),
    path("<int:pk>/<slug:verb>/", views.document_verb, name="verb"),
]
