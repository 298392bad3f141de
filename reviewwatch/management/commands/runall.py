"""Run web server, Celery worker and Celery beat together in the foreground.

One Ctrl-C or SIGTERM stops all three: children run in their own sessions so only this
process receives the terminal's signal, and it forwards a SIGTERM to each and waits.
A child that exits on its own (a worker killed by the out-of-memory killer, say) is started
again after a short wait, longer each time; one that exits MAX_RESTARTS times within
RESTART_WINDOW seconds is broken, not unlucky: then all three stop and the exit code is
non-zero, so a service manager or a person sees it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import deque

from django.conf import settings
from django.core.management.base import BaseCommand

GRACE_SECONDS = 20
MAX_RESTARTS = 5
RESTART_WINDOW = 300.0


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
        commands = self.commands(host, port)
        children = {
            name: subprocess.Popen(cmd, cwd=settings.BASE_DIR, start_new_session=True)
            for name, cmd in commands.items()
        }
        self.stdout.write(
            f"ReviewWatch is running at http://{host}:{port}/ "
            f"(web pid {children['web'].pid}, worker pid {children['worker'].pid}, "
            f"beat pid {children['beat'].pid}). Press Ctrl-C to stop."
        )
        self.stdout.flush()
        exits: dict[str, deque[float]] = {name: deque() for name in children}
        restart_at: dict[str, float] = {}
        broken = None
        while not stopping and broken is None:
            time.sleep(0.5)
            now = time.monotonic()
            for name, proc in children.items():
                if name in restart_at or proc.poll() is None:
                    continue
                recent = exits[name]
                recent.append(now)
                while recent and recent[0] < now - RESTART_WINDOW:
                    recent.popleft()
                if len(recent) >= MAX_RESTARTS:
                    broken = name
                    break
                wait = min(30, 2 ** (len(recent) - 1))
                restart_at[name] = now + wait
                self.stderr.write(
                    f"{name} exited with code {proc.returncode}; starting it again in {wait} s "
                    f"(exit {len(recent)}; the {MAX_RESTARTS}th within {RESTART_WINDOW:.0f} s"
                    " stops everything)."
                )
            for name, when in list(restart_at.items()):
                if when <= now and not stopping and broken is None:
                    del restart_at[name]
                    children[name] = subprocess.Popen(
                        commands[name], cwd=settings.BASE_DIR, start_new_session=True
                    )
                    self.stdout.write(f"{name} started again (pid {children[name].pid}).")
                    self.stdout.flush()
        if broken:
            self.stderr.write(
                f"{broken} exited {MAX_RESTARTS} times in {RESTART_WINDOW:.0f} s "
                f"(last code {children[broken].returncode}); stopping."
            )
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
        if broken:
            sys.exit(1)
