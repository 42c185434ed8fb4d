"""The production web server behind ``sqms serve``: gunicorn with threaded workers.

Options come from the command line, else from environment variables (docs/configuration.md),
else from defaults sized for a small machine. Static files are served by whitenoise from the
collected folder, so one process tree serves the whole product.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from sqms.config import env_int, env_str


@dataclass(frozen=True)
class ServerOptions:
    bind: str
    workers: int
    threads: int
    timeout: int
    backlog: int
    max_requests: int

    @property
    def connections(self) -> int:
        """Requests served at once, so also the database connections the server may hold."""
        return self.workers * self.threads


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def options_from_env(bind: str | None = None, workers: int | None = None) -> ServerOptions:
    return ServerOptions(
        bind=bind or env_str("SQMS_BIND", "127.0.0.1:8000"),
        workers=workers or env_int("SQMS_WORKERS", default_workers(), minimum=1),
        threads=env_int("SQMS_THREADS", 8, minimum=1),
        timeout=env_int("SQMS_TIMEOUT", 60, minimum=1),
        backlog=env_int("SQMS_BACKLOG", 2048, minimum=16),
        max_requests=env_int("SQMS_MAX_REQUESTS", 0, minimum=0),
    )


def gunicorn_settings(options: ServerOptions) -> dict[str, Any]:
    """The gunicorn configuration for these options (a plain dict, easy to test)."""
    return {
        "bind": [options.bind],
        "workers": options.workers,
        "worker_class": "gthread",
        "threads": options.threads,
        "timeout": options.timeout,
        "graceful_timeout": min(options.timeout, 30),
        "keepalive": 5,
        "backlog": options.backlog,
        # gthread keeps at most this many client connections open per worker.
        "worker_connections": max(1000, options.backlog),
        "max_requests": options.max_requests,
        "max_requests_jitter": options.max_requests // 10,
        # gunicorn's largest request line (its default is 4094): a list URL with many filters
        # or ids still reaches Django, which answers in JSON, instead of an HTML 414
        "limit_request_line": 8190,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": env_str("SQMS_SERVER_LOG_LEVEL", "info"),
        "proc_name": "sqms",
        "control_socket_disable": True,
        "preload_app": False,
    }


def serve(
    stdout: Any, *, bind: str | None = None, workers: int | None = None, dev: bool = False
) -> None:
    """Collect static files, then run the server in the foreground until stopped."""
    from django.conf import settings
    from django.core.management import call_command

    options = options_from_env(bind=bind, workers=workers)
    if dev:
        call_command("runserver", options.bind, insecure_serving=True, use_reloader=False)
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    stdout.write(
        f"SQMS on http://{options.bind}/ — {options.workers} workers × {options.threads} threads "
        f"(database: {str(settings.DATABASES['default']['ENGINE']).rsplit('.', 1)[-1]}). Ctrl+C stops."
    )
    run(options)


def run(options: ServerOptions) -> None:
    """Serve ``sqms.wsgi:application`` until stopped (Ctrl+C or SIGTERM)."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    # The workers are forked from this process: none may inherit an open database connection.
    connections.close_all()
    config = gunicorn_settings(options)

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in config.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from sqms.wsgi import application

            return application

    Server().run()
