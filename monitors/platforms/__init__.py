"""The review platforms ReviewWatch reads and answers through their official APIs.

Each is one module exporting `PLATFORM` (monitors.platforms.base.PlatformSpec); adding a
platform is adding its module name here and its value to monitors.models.Platform.
"""

from __future__ import annotations

import ipaddress
from importlib import import_module
from urllib.parse import urlsplit

from django.conf import settings

from monitors import credentials
from monitors.models import Connection
from monitors.platforms.base import Access, PlatformClient, PlatformSpec

PLATFORM_MODULES: tuple[str, ...] = (
    "app_store_connect",
    "google_business",
    "google_play",
    "trustpilot",
)


def all_specs() -> dict[str, PlatformSpec]:
    specs = (import_module(f"monitors.platforms.{name}").PLATFORM for name in PLATFORM_MODULES)
    return {spec.key: spec for spec in specs}


def spec_for(platform: str) -> PlatformSpec:
    return all_specs()[platform]


def base_url(connection: Connection) -> str:
    """The provider's fixed API address; another only where RW_ALLOW_PLATFORM_BASE_URL allows,
    or this machine's own for the demo's connection (the demo Play API under /demo/play/)."""
    if connection.base_url and settings.RW_ALLOW_PLATFORM_BASE_URL:
        return connection.base_url.rstrip("/")
    if connection.base_url and connection.is_demo and is_this_machine_url(connection.base_url):
        return connection.base_url.rstrip("/")
    return spec_for(connection.platform).default_base_url


def is_this_machine_url(url: str) -> bool:
    """An http(s) URL whose host is a loopback address or localhost."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def access_for(connection: Connection) -> Access:
    """Open a connection's secrets. Only the worker calls this (polls, posts, tests)."""

    def save_secrets(secrets: dict) -> None:
        Connection.objects.filter(pk=connection.pk).update(secrets=credentials.encrypt(secrets))

    return Access(
        config=dict(connection.config),
        secrets=credentials.decrypt(connection.secrets),
        base_url=base_url(connection),
        save_secrets=save_secrets,
    )


def client_for(connection: Connection) -> PlatformClient:
    return spec_for(connection.platform).client(access_for(connection))
