"""Exports formatted by PostgreSQL itself (COPY … TO STDOUT): rows leave the
database as CSV or JSON lines and are streamed in the driver's chunks, so an
export runs at database speed with flat memory. SQLite uses the Python path in
the view (keyset pages)."""

from django.db import connection

TS = """to_char(e.ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""
ENTRIES = "FROM events_policyentry p WHERE p.event_id = e.id AND p.ts = e.ts"
POLICIES_CSV = (f"(SELECT string_agg(p.name || ':' || p.action || COALESCE(':' || to_char(p.score, 'FM990.00'), ''), "
                f"';' ORDER BY p.id) {ENTRIES})")
POLICIES_JSON = (f"COALESCE((SELECT json_agg(json_build_object('name', p.name, 'type', p.type, 'action', p.action, "
                 f"'phase', p.phase, 'score', p.score, 'findings', p.findings) ORDER BY p.id) {ENTRIES}), '[]'::json)")
JOINS = ("JOIN tenancy_team t ON t.id = e.team_id JOIN tenancy_user u ON u.id = e.user_id "
         "LEFT JOIN gateways_gateway g ON g.id = e.gateway_id")
CSV_SELECT = (
    f"SELECT e.id, {TS} AS ts, t.slug AS team, g.key_id AS gateway, u.email AS user, e.key_id, e.model, e.endpoint, "
    f"e.status, e.action, {POLICIES_CSV} AS policies, e.tokens_in, e.tokens_out, e.cost_usd, "
    "CASE WHEN e.priced THEN 'True' ELSE 'False' END AS priced, e.latency_ms, e.upstream_ms, "
    "CASE WHEN e.stream THEN 'True' ELSE 'False' END AS stream"
)
JSON_SELECT = (
    f"SELECT json_build_object('id', e.id, 'ts', {TS}, 'team', t.slug, 'gateway', g.key_id, 'user', u.email, "
    "'key_id', e.key_id, 'model', e.model, 'endpoint', e.endpoint, 'status', e.status, 'action', e.action, "
    f"'policies', {POLICIES_JSON}, 'tokens_in', e.tokens_in, 'tokens_out', e.tokens_out, "
    "'cost_usd', e.cost_usd::float8, 'priced', e.priced, 'latency_ms', e.latency_ms, 'upstream_ms', e.upstream_ms, "
    "'stream', e.stream, 'prompt_excerpt', NULLIF(e.prompt_excerpt, ''), "
    "'response_excerpt', NULLIF(e.response_excerpt, ''), 'error_code', NULLIF(e.error_code, ''))"
)


def copy_export(queryset, fmt: str):
    """Yield the export of the (scoped, filtered) event queryset as bytes, newest first."""
    inner, params = queryset.order_by().values("id", "ts", "team_id", "user_id", "gateway_id", "key_id", "model",
                                               "endpoint", "status", "action", "tokens_in", "tokens_out",
                                               "cost_usd", "priced", "latency_ms", "upstream_ms", "stream",
                                               "prompt_excerpt", "response_excerpt", "error_code").query.sql_with_params()
    select = CSV_SELECT if fmt == "csv" else JSON_SELECT
    query = f"{select} FROM ({inner}) e {JOINS} ORDER BY e.ts DESC, e.id DESC"
    # One-column "CSV" with a quote character that never occurs: JSON lines pass through unescaped.
    options = "FORMAT csv, HEADER" if fmt == "csv" else "FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({query}) TO STDOUT WITH ({options})", params) as copy:
            for data in copy:
                yield bytes(data)
