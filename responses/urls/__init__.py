from django.urls import include, path

from responses import exports
from responses.views import case, delete, inbox, labels, reports, settings, triage_settings

urlpatterns = [
    path("", inbox.inbox, name="home"),
    path("reports/", reports.reports, name="reports"),
    path("reports/<slug:report>.csv", reports.report_csv, name="report_csv"),
    path("settings/", settings.settings_page, name="settings"),
    path("settings/triage/", triage_settings.triage_settings, name="triage_settings"),
    path("cases/bulk", inbox.bulk, name="cases_bulk"),
    path("mentions/", inbox.mentions, name="mentions"),
    path("mentions/export.csv", exports.mentions_csv, name="mentions_csv"),
    path("cases/export.csv", exports.cases_csv, name="cases_csv"),
    path("mentions/<int:mention_id>/case", inbox.open_case_by_hand, name="case_open"),
    path("mentions/<int:mention_id>/label", labels.correct_label, name="mention_label"),
    path("mentions/<int:mention_id>/delete", delete.mention_delete, name="mention_delete"),
    path("cases/<int:case_id>/", case.case_detail, name="case"),
    path("cases/<int:case_id>/assign", case.assign, name="case_assign"),
    path("cases/<int:case_id>/status", case.set_status, name="case_status"),
    path("cases/<int:case_id>/priority", case.set_priority, name="case_priority"),
    path("cases/<int:case_id>/tags", case.set_tags, name="case_tags"),
    path("cases/<int:case_id>/notes", case.note, name="case_note"),
    path("cases/<int:case_id>/timeline", case.timeline, name="case_timeline"),
    path("cases/<int:case_id>/merge", case.merge, name="case_merge"),
    path("", include("responses.urls.incidents")),
    path("", include("responses.urls.notify")),
]
