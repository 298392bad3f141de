from django.urls import path

from responses.views import incident_scripts as scripts
from responses.views import incidents as v

urlpatterns = [
    path("incidents/", v.incident_list, name="incidents"),
    path("incidents/declare", v.declare, name="incident_declare"),
    path("incidents/scripts/", scripts.scripts, name="incident_scripts"),
    path("incidents/scripts/new", scripts.script_edit, name="incident_script_add"),
    path("incidents/scripts/<int:script_id>/", scripts.script_edit, name="incident_script_edit"),
    path(
        "incidents/scripts/<int:script_id>/archive",
        scripts.script_archive,
        name="incident_script_archive",
    ),
    path("incidents/<int:incident_id>/", v.incident_detail, name="incident"),
    path("incidents/<int:incident_id>/mentions", v.incident_mentions, name="incident_mentions"),
    path("incidents/<int:incident_id>/link", v.link, name="incident_link"),
    path("incidents/<int:incident_id>/unlink", v.unlink, name="incident_unlink"),
    path("incidents/<int:incident_id>/update", v.update, name="incident_update"),
    path("incidents/<int:incident_id>/review", v.review, name="incident_review"),
    path("incidents/<int:incident_id>/reply", v.reply, name="incident_reply"),
    path(
        "incidents/<int:incident_id>/replies/<int:reply_id>/approve",
        v.reply_approve,
        name="incident_reply_approve",
    ),
]
