"""Run web server, Celery worker and Celery beat together in the foreground.

One Ctrl-C or SIGTERM stops all three: children run in their own sessions so only this
process receives the terminal's signal, and it forwards a SIGTERM to each and waits.
If any child exits on its own, the others are stopped too and the exit code is non-zero.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

GRACE_SECONDS = 20


class Command(BaseCommand):
    help = "Start web (gunicorn), worker and beat; stop all three on Ctrl-C or SIGTERM."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=settings.HOST)
        parser.add_argument("--port", default=str(settings.PORT))

    def commands(self, host: str, port: str) -> dict[str, list[str]]:
        bindir = os.path.dirname(sys.executable)
        celery = [os.path.join(bindir, "celery"), "-A", "reviewwatch"]
        return {
            "web": [
                os.path.join(bindir, "gunicorn"),
                "reviewwatch.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                os.environ.get("WEB_CONCURRENCY", "2"),
                "--access-logfile",
                "-",
            ],
            "worker": [*celery, "worker", "-l", "info", "--concurrency", "2", "-n", "worker@%h"],
            "beat": [*celery, "beat", "-l", "info", "--pidfile="],
        }

    def handle(self, host: str, port: str, **options) -> None:
        stopping = False

        def request_stop(signum, frame) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        children = {
            name: subprocess.Popen(cmd, cwd=settings.BASE_DIR, start_new_session=True)
            for name, cmd in self.commands(host, port).items()
        }
        self.stdout.write(
            f"ReviewWatch is running at http://{host}:{port}/ "
            f"(web pid {children['web'].pid}, worker pid {children['worker'].pid}, "
            f"beat pid {children['beat'].pid}). Press Ctrl-C to stop."
        )
        self.stdout.flush()
        exited = None
        while not stopping and exited is None:
            time.sleep(0.5)
            exited = next((n for n, p in children.items() if p.poll() is not None), None)
        if exited:
            self.stderr.write(f"{exited} exited with code {children[exited].returncode}; stopping.")
        for proc in children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for proc in children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.stdout.write("Stopped web, worker and beat.")
        if exited:
            sys.exit(1)
