"""An interpolated percentile as an aggregate: PostgreSQL's percentile_cont, and the same
computation registered on SQLite connections (make run's default database), which has none."""

from __future__ import annotations

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, DurationField


class Percentile(Aggregate):
    """The interpolated `fraction` percentile of an interval (e.g. 0.5: the median)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression, fraction: float, **extra) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        on_sqlite = self.copy()
        on_sqlite.function = SQLITE_FUNCTION
        on_sqlite.template = "%(function)s(%(expressions)s, %(fraction)s)"
        return on_sqlite.as_sql(compiler, connection, **extra)


SQLITE_FUNCTION = "rw_percentile_cont"


class _PercentileCont:
    """percentile_cont for SQLite: durations arrive as microseconds."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        if value is not None:
            self.values.append(value)
            self.fraction = fraction

    def finalize(self) -> float | None:
        if not self.values:
            return None
        ordered = sorted(self.values)
        position = (len(ordered) - 1) * self.fraction
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def register_on_sqlite(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_FUNCTION, 2, _PercentileCont)


connection_created.connect(register_on_sqlite, dispatch_uid="responses.reports.percentile")
