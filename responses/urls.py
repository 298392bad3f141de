from django.urls import include, path

from responses import (
    exports,
    views_case,
    views_delete,
    views_inbox,
    views_labels,
    views_reports,
    views_settings,
    views_triage_settings,
)

urlpatterns = [
    path("", views_inbox.inbox, name="home"),
    path("reports/", views_reports.reports, name="reports"),
    path("reports/<slug:report>.csv", views_reports.report_csv, name="report_csv"),
    path("settings/", views_settings.settings_page, name="settings"),
    path("settings/triage/", views_triage_settings.triage_settings, name="triage_settings"),
    path("cases/bulk", views_inbox.bulk, name="cases_bulk"),
    path("mentions/", views_inbox.mentions, name="mentions"),
    path("mentions/export.csv", exports.mentions_csv, name="mentions_csv"),
    path("cases/export.csv", exports.cases_csv, name="cases_csv"),
    path("mentions/<int:mention_id>/case", views_inbox.open_case_by_hand, name="case_open"),
    path("mentions/<int:mention_id>/label", views_labels.correct_label, name="mention_label"),
    path("mentions/<int:mention_id>/delete", views_delete.mention_delete, name="mention_delete"),
    path("cases/<int:case_id>/", views_case.case_detail, name="case"),
    path("cases/<int:case_id>/assign", views_case.assign, name="case_assign"),
    path("cases/<int:case_id>/status", views_case.set_status, name="case_status"),
    path("cases/<int:case_id>/priority", views_case.set_priority, name="case_priority"),
    path("cases/<int:case_id>/tags", views_case.set_tags, name="case_tags"),
    path("cases/<int:case_id>/notes", views_case.note, name="case_note"),
    path("cases/<int:case_id>/timeline", views_case.timeline, name="case_timeline"),
    path("cases/<int:case_id>/merge", views_case.merge, name="case_merge"),
    path("", include("responses.urls_incidents")),
    path("", include("responses.urls_notify")),
]
