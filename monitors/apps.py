from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class MonitorsConfig(AppConfig):
    name = "monitors"
    verbose_name = "Monitors"

    def ready(self) -> None:
        from monitors.xmlsafety import assert_xml_parser_safe

        try:
            assert_xml_parser_safe()
        except RuntimeError as error:  # feeds are untrusted XML: refuse to run unsafely
            raise ImproperlyConfigured(str(error)) from None
