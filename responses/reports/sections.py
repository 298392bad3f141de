"""The Reports page's sections: one report per request, picked by `?section=` in the URL, so a
page reads only its own report's queries (the whole page at once took 330-880 ms over a million
mentions; one report answers in 40-160 ms). Each section names its template and builds its
template context from the scope; an unknown section is named and the default one shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from responses.reports.charts import ranked_bar_chart
from responses.reports.competitors import side_by_side
from responses.reports.complaints import complaint_phrases, remedies, tags_over_time
from responses.reports.incidents import incident_rows
from responses.reports.ratings import public_ratings
from responses.reports.recoveries import recoveries
from responses.reports.report_charts import (
    public_ratings_chart,
    ratings_chart,
    tags_chart,
    volume_chart,
)
from responses.reports.responsiveness import responsiveness
from responses.reports.scope import ReportScope
from responses.reports.volume import volume


@dataclass(frozen=True)
class Reader:
    """Who reads the report and when: the owner alone sees per-person figures."""

    is_owner: bool
    now: datetime


Context = dict[str, object]


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    build: Callable[[ReportScope, Reader], Context]

    @property
    def template(self) -> str:
        return f"responses/reports/sections/{self.slug}.html"


def _volume(scope: ReportScope, reader: Reader) -> Context:
    found = volume(scope)
    return {"volume": found, "volume_chart": volume_chart(found)}


def _ratings(scope: ReportScope, reader: Reader) -> Context:
    return {
        "ratings_chart": ratings_chart(scope),
        "public_chart": public_ratings_chart(scope, public_ratings(scope)),
    }


def _answering(scope: ReportScope, reader: Reader) -> Context:
    answering = responsiveness(scope, reader.now, per_person=reader.is_owner)
    return {
        "answering": answering,
        "answering_chart": ranked_bar_chart(
            "chart-answering",
            "Time to the first public reply",
            [(bucket.label, bucket.cases) for bucket in answering.distribution],
            unit="cases",
            item_label="Time to first reply",
        ),
        "by_person": answering.by_person,
    }


def _recoveries(scope: ReportScope, reader: Reader) -> Context:
    return {"recoveries": recoveries(scope)}


def _complaints(scope: ReportScope, reader: Reader) -> Context:
    phrases = complaint_phrases(scope)
    return {
        "tags_chart": tags_chart(scope, tags_over_time(scope)),
        "phrases": phrases,
        "phrases_chart": ranked_bar_chart(
            "chart-phrases",
            "What customers complain about",
            [(row.phrase, row.count) for row in phrases.rows],
            unit="negative mentions",
            item_label="Phrase",
        ),
        "remedies": remedies(scope),
    }


def _competitors(scope: ReportScope, reader: Reader) -> Context:
    return {"competitors": side_by_side(scope)}


def _incidents(scope: ReportScope, reader: Reader) -> Context:
    return {"incidents": incident_rows(scope)}


SECTIONS: dict[str, Section] = {
    section.slug: section
    for section in (
        Section("volume", "What was said", _volume),
        Section("ratings", "Ratings", _ratings),
        Section("answering", "How fast we answer", _answering),
        Section("recoveries", "Recoveries", _recoveries),
        Section("complaints", "What customers complain about", _complaints),
        Section("competitors", "Us and our competitors", _competitors),
        Section("incidents", "Incidents", _incidents),
    )
}
DEFAULT_SECTION = SECTIONS["volume"]


def chosen_section(asked: str) -> tuple[Section, str | None]:
    """The section asked for (the default when none is), and what to tell the reader when the
    URL names one that does not exist."""
    if not asked:
        return DEFAULT_SECTION, None
    section = SECTIONS.get(asked)
    if section is None:
        return DEFAULT_SECTION, (
            f"Report: there is no report called “{asked[:60]}”; showing {DEFAULT_SECTION.title}."
        )
    return section, None
