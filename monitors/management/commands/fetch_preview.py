"""`manage.py fetch_preview URL --kind feed|review_page|app_store`: print, save nothing."""

import json

from django.core.management.base import BaseCommand, CommandError

from monitors.fetch import FetchError
from monitors.netguard import UnsafeURL
from monitors.parsers import PARSERS
from monitors.parsers.base import ParseError
from monitors.polling import RobotsDisallowed
from monitors.preview import preview
from reviewwatch.management.database import require_migrated


class Command(BaseCommand):
    help = "Print the mentions a URL would give, one JSON object per line; saves nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("url")
        parser.add_argument("--kind", choices=sorted(PARSERS), default="feed")

    def handle(self, url: str, kind: str, **options) -> None:
        require_migrated()
        try:
            result = preview(url, kind)
        except ParseError as error:
            raise CommandError(f"The page could not be read: {error}") from None
        except (UnsafeURL, RobotsDisallowed, FetchError) as error:
            raise CommandError(str(error)) from None
        for warning in result.parsed.warnings:
            self.stderr.write(f"warning: {warning}")
        for item in result.items:
            self.stdout.write(json.dumps(item.as_json(), ensure_ascii=False))
