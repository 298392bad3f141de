from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Responses"

    def ready(self) -> None:
        # Listen to what monitors announces: cases, replies follow-through, owner alerts.
        from responses import receivers  # noqa: F401
