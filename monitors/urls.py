from django.urls import path

from monitors import (
    views,
    views_connection_signin,
    views_connections,
    views_local_model,
    views_rules,
)

urlpatterns = [
    path("sources/", views.source_list, name="sources"),
    path("sources/add", views.source_add, name="source_add"),
    path("sources/test", views.source_preview, name="source_preview"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("sources/<int:pk>/edit", views.source_edit, name="source_edit"),
    path("sources/<int:pk>/test", views.source_preview, name="source_edit_preview"),
    path("sources/<int:pk>/pause", views.source_pause, name="source_pause"),
    path("sources/<int:pk>/resume", views.source_resume, name="source_resume"),
    path("sources/<int:pk>/poll", views.source_poll_now, name="source_poll_now"),
    path("sources/<int:pk>/history", views.source_open_history, name="source_open_history"),
    path("sources/<int:pk>/delete", views.source_delete, name="source_delete"),
    path("sources/connections/", views_connections.connection_list, name="connection_list"),
    path(
        "sources/connections/signed-in",
        views_connection_signin.connection_signed_in,
        name="connection_signed_in",
    ),
    path(
        "sources/connections/<int:pk>/sign-in",
        views_connection_signin.connection_sign_in,
        name="connection_sign_in",
    ),
    path(
        "sources/connections/new/<slug:platform>",
        views_connections.connection_add,
        name="connection_add",
    ),
    path(
        "sources/connections/<int:pk>/",
        views_connections.connection_detail,
        name="connection_detail",
    ),
    path(
        "sources/connections/<int:pk>/edit",
        views_connections.connection_edit,
        name="connection_edit",
    ),
    path(
        "sources/connections/<int:pk>/checks",
        views_connections.connection_checks,
        name="connection_checks",
    ),
    path(
        "sources/connections/<int:pk>/test",
        views_connections.connection_test,
        name="connection_test",
    ),
    path(
        "sources/connections/<int:pk>/sources",
        views_connections.connection_source_add,
        name="connection_source_add",
    ),
    path(
        "sources/connections/<int:pk>/delete",
        views_connections.connection_delete,
        name="connection_delete",
    ),
    path("rules/", views_rules.classification_rules, name="classification_rules"),
    path("rules/try", views_rules.rules_try, name="rules_try"),
    path(
        "rules/local-adjustment",
        views_local_model.local_adjustment_switch,
        name="local_adjustment_switch",
    ),
    path(
        "rules/local-adjustment/run",
        views_local_model.local_adjustment_run,
        name="local_adjustment_run",
    ),
    path("rules/reclassify", views_rules.reclassify_start, name="reclassify_start"),
    path(
        "rules/reclassify/<int:pk>/progress",
        views_rules.reclassify_progress,
        name="reclassify_progress",
    ),
    path("rules/blocked", views_rules.blocked_author_add, name="blocked_author_add"),
    path(
        "rules/blocked/<int:pk>/unblock",
        views_rules.blocked_author_remove,
        name="blocked_author_remove",
    ),
]
