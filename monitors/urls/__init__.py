from django.urls import path

from monitors.views import connection_signin, connections, local_model, rules, sources

urlpatterns = [
    path("sources/", sources.source_list, name="sources"),
    path("sources/add", sources.source_add, name="source_add"),
    path("sources/test", sources.source_preview, name="source_preview"),
    path("sources/<int:pk>/", sources.source_detail, name="source_detail"),
    path("sources/<int:pk>/edit", sources.source_edit, name="source_edit"),
    path("sources/<int:pk>/test", sources.source_preview, name="source_edit_preview"),
    path("sources/<int:pk>/pause", sources.source_pause, name="source_pause"),
    path("sources/<int:pk>/resume", sources.source_resume, name="source_resume"),
    path("sources/<int:pk>/poll", sources.source_poll_now, name="source_poll_now"),
    path("sources/<int:pk>/history", sources.source_open_history, name="source_open_history"),
    path("sources/<int:pk>/delete", sources.source_delete, name="source_delete"),
    path("sources/connections/", connections.connection_list, name="connection_list"),
    path(
        "sources/connections/signed-in",
        connection_signin.connection_signed_in,
        name="connection_signed_in",
    ),
    path(
        "sources/connections/<int:pk>/sign-in",
        connection_signin.connection_sign_in,
        name="connection_sign_in",
    ),
    path(
        "sources/connections/new/<slug:platform>",
        connections.connection_add,
        name="connection_add",
    ),
    path(
        "sources/connections/<int:pk>/",
        connections.connection_detail,
        name="connection_detail",
    ),
    path(
        "sources/connections/<int:pk>/edit",
        connections.connection_edit,
        name="connection_edit",
    ),
    path(
        "sources/connections/<int:pk>/checks",
        connections.connection_checks,
        name="connection_checks",
    ),
    path(
        "sources/connections/<int:pk>/test",
        connections.connection_test,
        name="connection_test",
    ),
    path(
        "sources/connections/<int:pk>/sources",
        connections.connection_source_add,
        name="connection_source_add",
    ),
    path(
        "sources/connections/<int:pk>/delete",
        connections.connection_delete,
        name="connection_delete",
    ),
    path("rules/", rules.classification_rules, name="classification_rules"),
    path("rules/try", rules.rules_try, name="rules_try"),
    path(
        "rules/local-adjustment",
        local_model.local_adjustment_switch,
        name="local_adjustment_switch",
    ),
    path(
        "rules/local-adjustment/run",
        local_model.local_adjustment_run,
        name="local_adjustment_run",
    ),
    path("rules/reclassify", rules.reclassify_start, name="reclassify_start"),
    path(
        "rules/reclassify/<int:pk>/progress",
        rules.reclassify_progress,
        name="reclassify_progress",
    ),
    path("rules/blocked", rules.blocked_author_add, name="blocked_author_add"),
    path(
        "rules/blocked/<int:pk>/unblock",
        rules.blocked_author_remove,
        name="blocked_author_remove",
    ),
]
