"""`kt events list` and `kt events tail` — the Events API from a terminal (DESIGN §10).

Standard library only (urllib), no Django. Config: flags, then KT_API_URL /
KT_API_TOKEN, then ~/.config/keeptrusts/config.toml (`api_url`, `api_token`).
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

DEFAULT_API_URL = "http://127.0.0.1:8000"
FILTERS = ("since", "until", "action", "policy", "model", "user", "team", "gateway", "key")
ACTIONS = ("block", "escalate", "redact", "log", "allow", "error")
TABLE_COLUMNS = ("time", "user", "model", "action", "policies", "tokens", "cost", "latency")
PAGE_MAX = 1000
RECONNECT_SECONDS = (1, 2, 5, 10)


class CliError(Exception):
    """One clear line for the person, and the exit code."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------
# Configuration and HTTP
# --------------------------------------------------------------------------
def _config_file() -> dict:
    path = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "keeptrusts" / "config.toml"
    if not path.is_file():
        return {}
    import tomllib

    try:
        return tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CliError(f"kt events: cannot read {path}: {exc}. Fix it or set KT_API_URL / KT_API_TOKEN.") from None


def settings(args) -> tuple[str, str]:
    config = None
    url = args.api_url or os.environ.get("KT_API_URL")
    token = args.token or os.environ.get("KT_API_TOKEN")
    if not url or not token:
        config = _config_file()
    url = (url or config.get("api_url") or DEFAULT_API_URL).rstrip("/")
    token = token or config.get("api_token")
    if not token:
        raise CliError("kt events: no API token. Set KT_API_TOKEN to an API token (Console Settings > API Tokens, "
                       "or `python manage.py create_api_token --email YOU`).")
    return url, token


def _request(url: str, token: str, path: str, params: dict, headers: dict | None = None, timeout: float = 30):
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v not in (None, "")})
    request = urllib.request.Request(
        f"{url}{path}{'?' + query if query else ''}",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json", **(headers or {})},
    )
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise _api_error(exc) from None
    except urllib.error.URLError as exc:
        raise CliError(f"kt events: cannot reach the control plane at {url} ({exc.reason}). "
                       "Set KT_API_URL to its address, or start it with `make run`.") from None


def _api_error(exc: urllib.error.HTTPError) -> CliError:
    try:
        error = json.loads(exc.read()).get("error", {})
    except (ValueError, AttributeError):
        error = {}
    message = error.get("message") or exc.reason
    if exc.code == 401:
        return CliError("kt events: the API token was refused (unknown, revoked or expired). "
                        "Set KT_API_TOKEN to a valid API token from Console Settings > API Tokens.")
    if exc.code == 403:
        return CliError(f"kt events: {message}")
    if exc.code == 400:
        return CliError(f"kt events: {message}", code=2)
    return CliError(f"kt events: the control plane answered {exc.code}: {message}")


def get_json(url, token, path, params) -> dict:
    with _request(url, token, path, params) as response:
        return json.loads(response.read())


# --------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------
def _colour_enabled(stream) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR")


ACTION_COLOURS = {"block": "31", "error": "31", "escalate": "33", "redact": "36"}


def _paint(text: str, action: str, colour: bool) -> str:
    code = ACTION_COLOURS.get(action)
    return f"\033[{code}m{text}\033[0m" if colour and code else text


def table_row(event: dict) -> dict:
    policies = ", ".join(
        f"{p['name']}:{p['action']}" for p in event.get("policies", []) if p.get("action") != "allow"
    ) or "-"
    latency = event.get("latency_ms")
    return {
        "time": event["ts"].replace("T", " ")[:19],
        "user": event.get("user") or "-",
        "model": event.get("model") or "-",
        "action": event.get("action") or "-",
        "policies": policies,
        "tokens": f"{event.get('tokens_in', 0)}/{event.get('tokens_out', 0)}",
        "cost": f"${event.get('cost_usd') or 0:.4f}",
        "latency": f"{latency:.0f} ms" if latency is not None else "-",
    }


def print_table(events: list[dict], out) -> None:
    rows = [table_row(e) for e in events]
    widths = {c: max([len(c)] + [len(r[c]) for r in rows]) for c in TABLE_COLUMNS}
    colour = _colour_enabled(out)
    out.write("  ".join(c.upper().ljust(widths[c]) for c in TABLE_COLUMNS).rstrip() + "\n")
    for row in rows:
        cells = [row[c].ljust(widths[c]) for c in TABLE_COLUMNS]
        cells[3] = _paint(cells[3], row["action"], colour)
        out.write("  ".join(cells).rstrip() + "\n")
    if not rows:
        out.write("(no events match)\n")


def print_csv(events: list[dict], out) -> None:
    writer = csv.writer(out)
    writer.writerow(TABLE_COLUMNS + ("id", "team", "key_id"))
    for event in events:
        row = table_row(event)
        writer.writerow([row[c] for c in TABLE_COLUMNS] + [event["id"], event.get("team"), event.get("key_id")])


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------
def filter_params(args) -> dict:
    return {name: getattr(args, name, None) for name in FILTERS}


def cmd_list(args) -> int:
    try:
        url, token = settings(args)
        params = filter_params(args)
        wanted = args.limit
        events, body, cursor = [], None, None
        while True:
            page = get_json(url, token, "/v1/events",
                            {**params, "limit": min(PAGE_MAX, wanted - len(events)), "cursor": cursor})
            body = body or page
            events += page["data"]
            cursor = page.get("next_cursor")
            if not cursor or len(events) >= wanted:
                break
        if args.output == "json":
            body = {**body, "data": events, "next_cursor": cursor}
            sys.stdout.write(json.dumps(body, indent=2) + "\n")
        elif args.output == "csv":
            print_csv(events, sys.stdout)
        else:
            print_table(events, sys.stdout)
        return 0
    except CliError as exc:
        print(exc, file=sys.stderr)
        return exc.code


def read_sse(response):
    """Yield (id, data) per SSE message from a streaming HTTP response."""
    event_id, data = None, []
    for raw in response:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield event_id, "\n".join(data)
            event_id, data = None, []
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "id":
                event_id = value
            elif name == "data":
                data.append(value)


def cmd_tail(args) -> int:
    try:
        url, token = settings(args)
    except CliError as exc:
        print(exc, file=sys.stderr)
        return exc.code
    params = filter_params(args)
    last_id, failures = None, 0
    colour = _colour_enabled(sys.stdout)
    header_done = False
    while True:
        try:
            headers = {"Accept": "text/event-stream", **({"Last-Event-ID": last_id} if last_id else {})}
            with _request(url, token, "/v1/events/stream", params, headers=headers, timeout=60) as response:
                failures = 0
                if not header_done and args.output == "table":
                    print("Tailing events (Ctrl-C to stop)…", file=sys.stderr)
                    header_done = True
                for event_id, data in read_sse(response):
                    event = json.loads(data)
                    if args.output == "json":
                        sys.stdout.write(data + "\n")
                    else:
                        row = table_row(event)
                        cells = [row["time"], row["user"].ljust(24), row["model"].ljust(18),
                                 _paint(row["action"].ljust(8), row["action"], colour), row["tokens"].rjust(11),
                                 row["cost"].rjust(9), row["latency"].rjust(8), row["policies"]]
                        sys.stdout.write("  ".join(cells) + "\n")
                    sys.stdout.flush()
                    last_id = event_id or last_id
        except CliError as exc:
            if exc.code == 2 or "token" in str(exc):
                print(exc, file=sys.stderr)
                return exc.code
            failures += 1
            if failures == 1 or failures % 10 == 0:
                print(f"{exc} Retrying…", file=sys.stderr)
        except (OSError, ValueError) as exc:  # dropped connection, timeout: resume after the last id
            failures += 1
            if failures > 1:
                print(f"kt events tail: connection lost ({exc}); reconnecting…", file=sys.stderr)
        time.sleep(RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)] if failures else 0)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError
    return number


def _add_filters(parser) -> None:
    parser.add_argument("--since", help="relative (30m, 24h, 7d, 2w) or ISO-8601 time")
    parser.add_argument("--until", help="relative or ISO-8601 time")
    parser.add_argument("--action", choices=ACTIONS)
    parser.add_argument("--policy", help="policy type (quality-scorer) or name")
    parser.add_argument("--model")
    parser.add_argument("--user", help="user email")
    parser.add_argument("--team", help="team slug")
    parser.add_argument("--gateway", help="gateway id or name")
    parser.add_argument("--key", help="gateway key id (gk_…)")
    parser.add_argument("--api-url", help=f"control plane URL (env KT_API_URL, default {DEFAULT_API_URL})")
    parser.add_argument("--token", help="API token (env KT_API_TOKEN)")


def register(subparsers) -> None:
    events = subparsers.add_parser("events", help="list and tail governed LLM events")
    commands = events.add_subparsers(dest="events_command", metavar="COMMAND")
    events.set_defaults(func=lambda args: (events.print_help(), 2)[1])

    listing = commands.add_parser("list", help="recent events, newest first")
    _add_filters(listing)
    listing.add_argument("--limit", type=_positive, default=50, help="how many events (default 50)")
    listing.add_argument("--output", choices=("table", "json", "csv"), default="table")
    listing.set_defaults(func=cmd_list)

    tail = commands.add_parser("tail", help="follow new events live (reconnects without losing or repeating)")
    _add_filters(tail)
    tail.add_argument("--output", choices=("table", "json"), default="table")
    tail.set_defaults(func=cmd_tail)
