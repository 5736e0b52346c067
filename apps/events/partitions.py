"""Monthly range partitions of the event log on PostgreSQL (docs/scaling.md).

SQLite (embedded mode) keeps plain tables; every function here is a no-op there.
Partitions are created ahead by the periodic task and by `generate_events`; a
DEFAULT partition catches anything outside them, so an insert never fails.
"""

from datetime import date, datetime, timezone

from django.db import connection

PARTITIONED_TABLES = ("events_event", "events_policyentry")


def is_partitioned() -> bool:
    return connection.vendor == "postgresql"


def month_start(moment: datetime | date) -> date:
    return date(moment.year, moment.month, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def partition_name(table: str, month: date) -> str:
    return f"{table}_y{month.year:04d}m{month.month:02d}"


def ensure_partitions(first: date | datetime | None = None, last: date | datetime | None = None) -> list[str]:
    """Create the monthly partitions covering [first, last] (default: last month .. 2 months ahead).

    Rows already in the DEFAULT partition for such a month are moved into the new
    partition, so a late backfill never blocks partition creation.
    """
    if not is_partitioned():
        return []
    today = month_start(datetime.now(timezone.utc))
    month = month_start(first) if first else add_months(today, -1)
    stop = month_start(last) if last else add_months(today, 2)
    created = []
    with connection.cursor() as cursor:
        while month <= stop:
            for table in PARTITIONED_TABLES:
                if _create_month(cursor, table, month):
                    created.append(partition_name(table, month))
            month = add_months(month, 1)
    return created


def _create_month(cursor, table: str, month: date) -> bool:
    name = partition_name(table, month)
    cursor.execute("SELECT to_regclass(%s)", [name])
    if cursor.fetchone()[0] is not None:
        return False
    start, end = month.isoformat(), add_months(month, 1).isoformat()
    default = f"{table}_default"
    # Detach the default while creating the month: it may hold rows of that month.
    cursor.execute(f'ALTER TABLE "{table}" DETACH PARTITION "{default}"')
    cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{table}" FOR VALUES FROM (%s) TO (%s)', [start, end])
    cursor.execute(f'INSERT INTO "{name}" SELECT * FROM "{default}" WHERE ts >= %s AND ts < %s', [start, end])
    cursor.execute(f'DELETE FROM "{default}" WHERE ts >= %s AND ts < %s', [start, end])
    cursor.execute(f'ALTER TABLE "{table}" ATTACH PARTITION "{default}" DEFAULT')
    return True


def drop_partitions_before(month: date) -> list[str]:
    """Retention: drop whole months older than `month` (cheap, no vacuum debt)."""
    if not is_partitioned():
        return []
    dropped = []
    with connection.cursor() as cursor:
        for table in PARTITIONED_TABLES:
            cursor.execute(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
                [table],
            )
            for (name,) in cursor.fetchall():
                suffix = name[len(table) + 1:]
                if not suffix.startswith("y"):
                    continue
                part_month = date(int(suffix[1:5]), int(suffix[6:8]), 1)
                if part_month < month:
                    cursor.execute(f'DROP TABLE "{name}"')
                    dropped.append(name)
    return dropped
