"""Hourly rollups (DESIGN §8), written from the rows actually inserted, in the
ingest transaction. The upsert adds to existing counters; rows are sorted by
key so concurrent writers take row locks in one order (no deadlocks)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import connection

ZERO = Decimal(0)


def hour_of(ts):
    return ts.replace(minute=0, second=0, microsecond=0)


def rollups_add(rows: list[dict]) -> None:
    usage = defaultdict(lambda: [0, 0, 0, ZERO, 0.0])
    daily = defaultdict(lambda: [0, 0, 0, ZERO, 0.0])
    policy = defaultdict(lambda: [0, 0, 0, ZERO])
    for row in rows:
        hour = hour_of(row["ts"])
        key = (row["organization_id"], row["team_id"], hour, row["user_id"], row["model"],
               row["gateway_id"] or 0, row["key_id"], row["action"])
        counters = usage[key]
        counters[0] += 1
        counters[1] += row["tokens_in"]
        counters[2] += row["tokens_out"]
        counters[3] += row["cost"]
        counters[4] += row["latency_ms"] or 0.0
        day_counters = daily[key[:2] + (hour.replace(hour=0),) + key[3:]]
        for i, value in enumerate((1, row["tokens_in"], row["tokens_out"], row["cost"], row["latency_ms"] or 0.0)):
            day_counters[i] += value
        for entry in row["policies"]:
            pkey = (row["organization_id"], row["team_id"], hour, entry["name"], entry["type"], entry["action"])
            pc = policy[pkey]
            pc[0] += 1
            pc[1] += row["tokens_in"]
            pc[2] += row["tokens_out"]
            pc[3] += row["cost"]
    upsert_add(
        "events_usagerollup",
        ("organization_id", "team_id", "hour", "user_id", "model", "gateway_id", "key_id", "action"),
        ("requests", "tokens_in", "tokens_out", "cost_usd", "latency_ms_sum"),
        [k + tuple(v) for k, v in sorted(usage.items(), key=_sort_key)],
        conflict=("team_id", "hour", "user_id", "model", "gateway_id", "key_id", "action"),
    )
    upsert_add(
        "events_usagedailyrollup",
        ("organization_id", "team_id", "day", "user_id", "model", "gateway_id", "key_id", "action"),
        ("requests", "tokens_in", "tokens_out", "cost_usd", "latency_ms_sum"),
        [k + tuple(v) for k, v in sorted(daily.items(), key=_sort_key)],
        conflict=("team_id", "day", "user_id", "model", "gateway_id", "key_id", "action"),
    )
    upsert_add(
        "events_policyrollup",
        ("organization_id", "team_id", "hour", "policy", "policy_type", "action"),
        ("requests", "tokens_in", "tokens_out", "cost_usd"),
        [k + tuple(v) for k, v in sorted(policy.items(), key=_sort_key)],
        conflict=("team_id", "hour", "policy", "policy_type", "action"),
    )


def _sort_key(item):
    key = item[0]
    return tuple(str(part) for part in key[1:])


def upsert_add(table: str, key_columns, add_columns, rows, *, conflict) -> None:
    """INSERT … ON CONFLICT (…) DO UPDATE SET c = c + excluded.c, on PostgreSQL and SQLite."""
    if not rows:
        return
    columns = tuple(key_columns) + tuple(add_columns)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in add_columns)
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    ops = connection.ops
    chunk = 2000 if connection.vendor == "postgresql" else 500  # SQLite: a bound on variables per statement
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            params = [_adapt(ops, value) for row in part for value in row]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([placeholder] * len(part))} "
                f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {updates}",
                params,
            )


def _adapt(ops, value):
    from datetime import date, datetime

    if isinstance(value, datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return ops.adapt_datefield_value(value)
    if isinstance(value, Decimal) and connection.vendor != "postgresql":
        return str(value)
    return value
