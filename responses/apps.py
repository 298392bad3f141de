from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Responses"

    def ready(self) -> None:
        # Listen to what monitors announces (cases from negative mentions, owner alerts).
        from responses import receivers, receivers_alerts  # noqa: F401
