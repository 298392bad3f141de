from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class ReviewwatchConfig(AppConfig):
    name = "reviewwatch"
    verbose_name = "ReviewWatch"

    def ready(self) -> None:
        from reviewwatch.roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="reviewwatch.ensure_role_groups")


class OwnerAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with a site that lets in owners only."""

    default = False  # named in INSTALLED_APPS; ReviewwatchConfig stays this module's default
    default_site = "reviewwatch.admin_site.OwnerAdminSite"
