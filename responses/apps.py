from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Responses"

    def ready(self) -> None:
        # Listen to what monitors announces: cases, replies follow-through, owner alerts.
        from responses import receivers  # noqa: F401
        from responses.reports import percentile  # noqa: F401 - registers it on SQLite

        if settings.RW_TONE_RULES:
            _check_tone_rules(settings.RW_TONE_RULES)


def _check_tone_rules(path: str) -> None:
    """A missing or invalid owner's tone-rules file stops start-up with one line, instead of
    failing the tone check later."""
    from responses.tone import load_tone_rules

    try:
        load_tone_rules(path)
    except (OSError, ValueError) as error:
        reason = " ".join(str(error).split())
        raise ImproperlyConfigured(f"RW_TONE_RULES={path!r}: {reason}") from None
