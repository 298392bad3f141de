"""The Dockerfile installs from pyproject.toml, and docker-compose wires what production needs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[2]


def test_dockerfile_installs_dependencies_from_pyproject_only():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY pyproject.toml" in dockerfile
    installs = re.findall(r"pip install[^\n]*", dockerfile)
    assert installs == ["pip install --no-cache-dir ."], installs
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = project["tool"]["setuptools"]["packages"]["find"]["include"]
    top_level = {name.split(".")[0] for name in find_packages(str(ROOT), include=include)}
    for package in top_level:
        assert f"COPY {package} ./{package}" in dockerfile, package


def test_dockerfile_python_matches_requires_python():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    minimum = project["requires-python"].removeprefix(">=")
    image = re.search(r"FROM python:(\d+\.\d+)", (ROOT / "Dockerfile").read_text()).group(1)
    assert tuple(map(int, image.split("."))) >= tuple(map(int, minimum.split(".")))


def test_compose_has_every_service_with_health_checks_and_volumes():
    compose = (ROOT / "docker-compose.yml").read_text()
    for service in ("postgres", "redis", "web", "worker", "beat", "proxy"):
        assert re.search(rf"^  {service}:$", compose, re.M), service
    for service in ("postgres", "redis", "web", "worker"):
        block = re.search(rf"^  {service}:\n((?:    .*\n)*)", compose, re.M).group(1)
        assert "healthcheck:" in block, service
    for volume in ("pgdata:", "redisdata:"):
        assert f"\n  {volume}" in compose
    assert 'TRUSTED_PROXY_COUNT: "1"' in compose


def test_env_example_documents_required_variables_without_real_secrets():
    example = (ROOT / ".env.example").read_text()
    for name in ("SITE_URL", "ALLOWED_HOSTS", "SECRET_KEY", "POSTGRES_PASSWORD", "EMAIL_HOST"):
        assert re.search(rf"^{name}=", example, re.M), name
    assert "change-me" in example
