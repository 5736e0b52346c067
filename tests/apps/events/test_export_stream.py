import csv
import io
import json
from datetime import timedelta

from django.test import Client

from apps.events.api.views import EventStreamView

from .conftest import ingest, make_event


def test_export_csv_and_jsonl_are_scoped_and_filtered(api, token_for, manager, gateway, alice_key, bob_key, org,
                                                     payments, monkeypatch):
    from apps.events.api import views
    from tests.factories import GatewayFactory

    monkeypatch.setattr(views, "EXPORT_CHUNK", 2)  # several chunks
    mine = [make_event(alice_key, ago=timedelta(minutes=i + 1), action="block" if i % 2 else "allow",
                       policies=[{"name": "p", "type": "content-filter", "action": "block", "score": 0.9}] if i % 2
                       else []) for i in range(5)]
    ingest(gateway, mine)
    ingest(GatewayFactory(organization=org, teams=[payments]), [make_event(bob_key)])
    token = token_for(manager)

    response = api(token, "/v1/events/export", since="24h", format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["id"] for r in rows] == [e["id"] for e in mine]  # newest first, bob's not visible
    assert rows[1]["policies"] == "p:block:0.90" and rows[1]["user"] == "alice@acme.test"

    response = api(token, "/v1/events/export", since="24h", action="block", format="jsonl")
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert [e["id"] for e in lines] == [mine[1]["id"], mine[3]["id"]]


def test_export_rejects_unknown_format(api, token_for, manager):
    response = api(token_for(manager), "/v1/events/export", format="xlsx")
    assert response.status_code == 400 and response.json()["error"]["param"] == "format"
    assert "csv, jsonl" in response.json()["error"]["message"]


def sse_events(response):
    events = []
    for block in b"".join(response.streaming_content).decode().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "data" in fields:
            events.append((fields["id"], json.loads(fields["data"])))
    return events


def test_stream_sends_new_events_in_commit_order_and_resumes_without_loss_or_repeat(
        token_for, manager, gateway, alice_key, monkeypatch):
    monkeypatch.setattr(EventStreamView, "poll_seconds", 0.01)
    ingest(gateway, [make_event(alice_key)])  # before the stream: not sent
    token = token_for(manager)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token.plaintext}")
    start = client.get("/v1/events/stream", {"timeout": 1})
    assert start["Content-Type"] == "text/event-stream"
    assert sse_events(start) == []

    # The start position is "after everything stored"; resume from an explicit id instead:
    first = [make_event(alice_key, ago=timedelta(seconds=30 - i)) for i in range(3)]
    ingest(gateway, first)
    late = make_event(alice_key, ago=timedelta(minutes=10))  # arrives later but is older
    second = [make_event(alice_key), late]
    ingest(gateway, second)

    from apps.events.models import IngestBatch

    seqs = list(IngestBatch.objects.order_by("seq").values_list("seq", flat=True))
    got = sse_events(client.get("/v1/events/stream", {"timeout": 1}, HTTP_LAST_EVENT_ID=f"{seqs[0]}:~"))
    assert [e["id"] for _, e in got] == sorted(e["id"] for e in first) + sorted(e["id"] for e in second)

    # Drop after the second event, reconnect with its id: the rest, once.
    resume_id = got[1][0]
    rest = sse_events(client.get("/v1/events/stream", {"timeout": 1}, HTTP_LAST_EVENT_ID=resume_id))
    assert [e["id"] for _, e in rest] == [e["id"] for _, e in got[2:]]


def test_stream_is_scoped(token_for, outsider, gateway, alice_key, monkeypatch):
    monkeypatch.setattr(EventStreamView, "poll_seconds", 0.01)
    ingest(gateway, [make_event(alice_key)])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(outsider).plaintext}")
    assert sse_events(client.get("/v1/events/stream", {"timeout": 1}, HTTP_LAST_EVENT_ID="0:~")) == []
