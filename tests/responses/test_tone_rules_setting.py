"""The owner's tone-rules extension the README promises: RW_TONE_RULES names a TOML file that is
merged on top of the default rules; a missing or broken file stops start-up with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.responses.test_replies import HUMBLE, configure, make_case

ROOT = Path(__file__).resolve().parents[2]
HTMX = {"HTTP_HX_REQUEST": "true"}
EXTENSION = """
[avoid.brand_words]
severity = "problem"
label = "Competitor named"
why = "Naming a competitor in public sends readers to them."
rules = [{ phrase = "MegaLamps", suggestion = "Leave other businesses out of the reply." }]
"""


@pytest.mark.django_db
def test_the_owners_tone_rules_file_is_used_by_the_tone_check(staff_client, settings, tmp_path):
    rules = tmp_path / "our_rules.toml"
    rules.write_text(EXTENSION, encoding="utf-8")
    settings.RW_TONE_RULES = str(rules)
    configure()
    case = make_case(author="Dana")
    text = HUMBLE + " Unlike MegaLamps, we answer."
    response = staff_client.post(reverse("reply_tone", args=[case.pk]), {"text": text}, **HTMX)
    html = response.content.decode()
    assert 'data-finding="brand_words"' in html and "Competitor named" in html


@pytest.mark.parametrize(
    ("content", "says"),
    [(None, "No such file"), ("[avoid.brand_words\n", "not valid TOML")],
)
def test_a_missing_or_broken_tone_rules_file_stops_start_up_with_one_line(tmp_path, content, says):
    rules = tmp_path / "our_rules.toml"
    if content is not None:
        rules.write_text(content, encoding="utf-8")
    env = {**os.environ, "RW_VAR_DIR": str(tmp_path / "var"), "RW_TONE_RULES": str(rules)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if "RW_TONE_RULES" in line]
    assert line.startswith("Configuration error: RW_TONE_RULES=") and says in line
