from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReviewwatchConfig(AppConfig):
    name = "reviewwatch"
    verbose_name = "ReviewWatch"

    def ready(self) -> None:
        from reviewwatch.roles import ensure_role_groups

        post_migrate.connect(ensure_role_groups, dispatch_uid="reviewwatch.ensure_role_groups")
