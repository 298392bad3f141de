"""The API against its own OpenAPI description: schemathesis generates thousands of requests
from /api/v1/openapi.json (valid and invalid) against the running test server, with an owner's
token and with a staff member's, and fails on any 500, any answer whose body does not match the
schema, any undocumented status code and any undocumented content type."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from monitors.models import Label
from responses.api.tokens import create_token
from responses.cases import add_note, open_case
from responses.replies import save_draft
from tests.responses.test_replies import HUMBLE

CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
    ]
)


@pytest.fixture
def fuzzed_server(transactional_db, live_server, settings, make_mention, owner):
    """A live server with something behind each id (cases 1.., a reply, a note), and no rate
    limit in the way of thousands of requests."""
    settings.RW_API_REQUESTS_PER_MINUTE = 1_000_000
    for n in range(3):
        case, _ = open_case(make_mention(rating=1, label=Label.NEGATIVE))
        add_note(case, owner, f"Note {n}")
    save_draft(case, owner, HUMBLE)
    make_mention(rating=5, label=Label.POSITIVE)
    return live_server


def fuzz(
    base_url: str, token: str, cwd: Path, examples: int, phases: str
) -> subprocess.CompletedProcess:
    schemathesis = str(Path(sys.executable).parent / "schemathesis")
    command = [
        schemathesis,
        "run",
        f"{base_url}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--phases",
        phases,
        "--max-examples",
        str(examples),
        "--workers",
        "1",
        "--seed",
        "17",
        "--request-timeout",
        "30",
    ]
    # cwd: schemathesis keeps its example database in the working directory.
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=400)


@pytest.mark.timeout(450)
def test_fuzzing_with_an_owner_token_finds_no_server_error_and_no_schema_mismatch(
    fuzzed_server, owner, tmp_path
):
    _, secret = create_token(owner, "Fuzzer")
    # coverage: each parameter's edges (missing, empty, wrong type, out of range) for every endpoint
    run = fuzz(fuzzed_server.url, secret, tmp_path, examples=6, phases="examples,coverage,fuzzing")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "generated" in run.stdout


@pytest.mark.timeout(450)
def test_fuzzing_with_a_staff_token_finds_no_server_error_and_no_schema_mismatch(
    fuzzed_server, staff, tmp_path
):
    _, secret = create_token(staff, "Fuzzer")
    run = fuzz(fuzzed_server.url, secret, tmp_path, examples=10, phases="fuzzing")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
