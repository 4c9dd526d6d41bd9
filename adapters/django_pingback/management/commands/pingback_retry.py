"""``manage.py pingback_retry``: send again the deferred pings that are due.

For sites whose task backend cannot run a task later: run it from cron or a
systemd timer (every few minutes). It pings in this process, not on a worker.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from pingcore import client

from ...conf import pingback_settings
from ...tasks import send_history


class Command(BaseCommand):
    help = "Send again every deferred ping whose time to retry has come."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--source", metavar="URL", help="Retry only the pings sent from this post."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            history = send_history(True)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        assert history is not None
        results = client.retry_deferred(
            history, source_url=options["source"], policy=pingback_settings.fetch_policy()
        )
        for result in results:
            line = f"{result.source_url} -> {result.target_url}: {result.outcome.value}"
            if result.retry_at is not None:
                line += f" (next try at {result.retry_at.isoformat(timespec='seconds')})"
            elif result.message:
                line += f" ({result.message})"
            self.stdout.write(line)
        deferred = sum(1 for result in results if result.retry_at is not None)
        self.stdout.write(f"{len(results)} retried, {deferred} deferred again.")
