from django.urls import path

from responses.views import case_care as care
from responses.views import platform_replies as platform
from responses.views import replies as v
from responses.views.approvals import awaiting_approval

urlpatterns = [
    path("approvals/", awaiting_approval, name="approvals"),
    path("cases/<int:case_id>/reply/", v.reply_workspace, name="reply_workspace"),
    path("cases/<int:case_id>/reply/tone", v.reply_tone, name="reply_tone"),
    path("cases/<int:case_id>/reply/start", v.reply_start, name="reply_start"),
    path("cases/<int:case_id>/reply/save", v.reply_save, name="reply_save"),
    path("cases/<int:case_id>/reply/approve", v.reply_approve, name="reply_approve"),
    path("cases/<int:case_id>/reply/return", v.reply_return, name="reply_return"),
    path("cases/<int:case_id>/reply/posted", v.reply_posted, name="reply_posted"),
    path("cases/<int:case_id>/reply/platform", platform.platform_post, name="reply_platform_post"),
    path(
        "cases/<int:case_id>/reply/platform/edit",
        platform.platform_edit,
        name="reply_platform_edit",
    ),
    path(
        "cases/<int:case_id>/reply/platform/delete",
        platform.platform_delete,
        name="reply_platform_delete",
    ),
    path(
        "cases/<int:case_id>/reply/platform/status",
        platform.platform_post_status,
        name="reply_platform_status",
    ),
    path("cases/<int:case_id>/remedies", care.remedy_add, name="remedy_add"),
    path(
        "cases/<int:case_id>/remedies/<int:remedy_id>/delivered",
        care.remedy_delivered,
        name="remedy_delivered",
    ),
    path("cases/<int:case_id>/followups", care.followup_add, name="followup_add"),
    path(
        "cases/<int:case_id>/followups/<int:followup_id>/done",
        care.followup_done,
        name="followup_done",
    ),
    path("cases/<int:case_id>/block-author", care.block_author, name="block_author"),
    path("settings/replies/", v.reply_templates, name="reply_templates"),
    path("settings/replies/new", v.reply_template_edit, name="reply_template_add"),
    path("settings/replies/<int:template_id>/", v.reply_template_edit, name="reply_template_edit"),
    path(
        "settings/replies/<int:template_id>/archive",
        v.reply_template_archive,
        name="reply_template_archive",
    ),
]
