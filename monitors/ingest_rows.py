"""The statements of the store path (monitors/ingest.py), each one for all of a poll's rows, so
a poll costs the same few queries for fifty entries as for two, on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Cast

from monitors.models import Label, Mention, Subject, Tombstone

TABLE = connection.ops.quote_name(Mention._meta.db_table)
INSERTED = [field for field in Mention._meta.concrete_fields if not field.primary_key]
ALL_COLUMNS = ", ".join(connection.ops.quote_name(f.column) for f in Mention._meta.concrete_fields)
# Within both databases' limits on parameters per statement (SQLite's is 32,766).
ROWS_PER_INSERT = 500
IDS_PER_LOOKUP = 10_000  # twice in a statement: within SQLite's limit too


def stored_and_tombstoned(
    source_id: int, external_ids: list[str]
) -> tuple[dict[str, tuple[int, str]], set[str]]:
    """{external id: (pk, content hash)} of the mentions already stored, and the ids the owner
    deleted (tombstones): one query per 10,000 ids, written out because every poll asks it and
    building it through the ORM cost twice the database's time."""
    known: dict[str, tuple[int, str]] = {}
    tombstoned: set[str] = set()
    quote = connection.ops.quote_name
    for start in range(0, len(external_ids), IDS_PER_LOOKUP):
        chunk = external_ids[start : start + IDS_PER_LOOKUP]
        among = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT external_id, id, content_hash FROM {TABLE}"
                f" WHERE source_id = %s AND external_id IN ({among})"
                " UNION ALL SELECT external_id, NULL, NULL"
                f" FROM {quote(Tombstone._meta.db_table)}"
                f" WHERE source_id = %s AND external_id IN ({among})",
                [source_id, *chunk, source_id, *chunk],
            )
            for external_id, pk, digest in cursor.fetchall():
                if pk is None:
                    tombstoned.add(external_id)
                else:
                    known[external_id] = (pk, digest)
    return known, tombstoned


def insert_new(mentions: list[Mention]) -> list[Mention]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: the mentions this call stored, with their
    pk (another poll of the same source may have stored some of them first)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in INSERTED)
    row = "(" + ", ".join(["%s"] * len(INSERTED)) + ")"
    stored = []
    with connection.cursor() as cursor:
        for start in range(0, len(mentions), ROWS_PER_INSERT):
            chunk = mentions[start : start + ROWS_PER_INSERT]
            params = [
                field.get_db_prep_save(getattr(mention, field.attname), connection)
                for mention in chunk
                for field in INSERTED
            ]
            cursor.execute(
                f"INSERT INTO {TABLE} ({columns}) VALUES {', '.join([row] * len(chunk))}"
                f" ON CONFLICT ({quote('source_id')}, {quote('external_id')}) DO NOTHING"
                " RETURNING id, external_id",
                params,
            )
            pks = {external_id: pk for pk, external_id in cursor.fetchall()}
            for mention in chunk:
                if mention.external_id in pks:
                    mention.pk = pks[mention.external_id]
                    mention._state.adding = False
                    stored.append(mention)
    return stored


def claim_negatives(source_id: int, *, history: bool, at: datetime) -> list[Mention]:
    """Mark the source's negative mentions about us that no receiver has heard of yet as
    announced at `at`, and return them whole, in the order stored: one UPDATE ... RETURNING."""
    sql = (
        f"UPDATE {TABLE} SET negative_announced_at = %s WHERE source_id = %s AND label = %s"
        " AND subject = %s AND author_blocked = %s AND imported_history = %s"
        f" AND negative_announced_at IS NULL RETURNING {ALL_COLUMNS}"
    )
    params = [at, source_id, Label.NEGATIVE, Subject.OURS, False, history]
    return sorted(Mention.objects.raw(sql, params), key=lambda mention: mention.pk)


def update_edited(rows: list[tuple[Mention, dict]]) -> None:
    """Write each (mention, new values) in one UPDATE, each row only if its content hash is
    still the one read (an edit another poll applied first is left alone)."""
    still_as_read = Q()
    for mention, _ in rows:
        still_as_read |= Q(pk=mention.pk, content_hash=mention.content_hash)
    names = sorted({name for _, values in rows for name in values})
    updates = {}
    for name in names:
        field = Mention._meta.get_field(name)
        whens = [
            When(pk=mention.pk, then=Value(values[name], output_field=field))
            for mention, values in rows
            if name in values
        ]
        value = Case(*whens, default=F(field.attname), output_field=field)
        if connection.features.requires_casted_case_in_updates:
            value = Cast(value, output_field=field)
        updates[field.attname] = value
    Mention.objects.filter(still_as_read).update(**updates)
