from django.urls import path

from dangvu.members import conflict_views, proposal_views, views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("export.xlsx", views.member_export, name="export"),
    path("list.pdf", views.member_list_pdf, name="list_pdf"),
    path("new/", views.member_create, name="create"),
    path("mine/", views.my_file, name="mine"),
    path("worklists/", views.worklist_view, name="worklists"),
    path(
        "worklists/recognition/",
        views.worklist_section,
        {"section": "recognition"},
        name="worklist_recognition",
    ),
    path("worklists/badges/", views.worklist_section, {"section": "badges"}, name="worklist_badges"),
    path("stats/", views.stats_view, name="stats"),
    path("stats/report.xlsx", views.stats_report, name="stats_report"),
    path("stats/charts/", views.org_charts, name="org_charts"),
    path("quality/", views.quality_view, name="quality"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("transfers/<int:pk>/receive/", views.transfer_receive, name="receive"),
    path("proposals/", proposal_views.proposal_list, name="proposals"),
    path("proposals/<int:pk>/decide/", proposal_views.proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/return/", proposal_views.proposal_return, name="proposal_return"),
    path("identity-conflicts/", conflict_views.conflict_list, name="identity_conflicts"),
    path("identity-conflicts/<int:pk>/", conflict_views.conflict_detail, name="identity_conflict"),
    path("authority/", proposal_views.authority_view, name="authority"),
    path("transfers/<int:pk>/letter.pdf", views.transfer_letter, name="transfer_letter"),
    path("interruptions/<int:pk>/edit/", views.interruption_edit, name="interruption_edit"),
    path("<int:pk>/interruptions/new/", views.interruption_create, name="interruption_create"),
    path("<int:pk>/file.pdf", views.member_file_pdf, name="file_pdf"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/propose/<str:verb>/", proposal_views.propose, name="propose"),
    path("<int:pk>/<slug:verb>/", views.member_verb, name="verb"),
]
