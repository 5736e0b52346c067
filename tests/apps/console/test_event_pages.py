import csv
import io
from datetime import datetime, timedelta, timezone

from apps.events import views
from tests.apps.console.conftest import escalating
from tests.apps.events.conftest import make_event
from tests.factories import GatewayKeyFactory, member


def test_events_table_lists_the_managers_team_newest_first(login, manager, store, alice_key, bob_key):
    first = store(alice_key, model="gpt-4o")
    second = store(alice_key, model="gpt-4o-mini", ago=timedelta(seconds=1))
    store(bob_key, model="claude-3-5-sonnet")
    body = login(manager).get("/events/").content.decode()
    assert body.index(second) < body.index(first)
    assert "claude-3-5-sonnet" not in body


def test_filters_mirror_the_api(login, manager, store, alice_key):
    blocked = store(alice_key, action="block", model="gpt-4o",
                    policies=[{"name": "secrets", "type": "dlp-filter", "action": "block"}])
    allowed = store(alice_key, model="gpt-4o-mini")
    client = login(manager)
    for query in ("action=block", "policy=secrets", "policy=dlp-filter", "model=gpt-4o", "user=ALICE@acme.test"):
        body = client.get(f"/events/?{query}").content.decode()
        assert blocked in body, query
        if query != "user=ALICE@acme.test":
            assert allowed not in body, query


def test_bad_filter_is_explained_not_500(login, manager):
    response = login(manager).get("/events/?since=yesterday-ish")
    assert response.status_code == 200 and "is not a time" in response.content.decode()


def test_htmx_paging_returns_just_the_next_rows(login, manager, store, alice_key):
    ids = store([make_event(alice_key, ago=timedelta(seconds=i)) for i in range(views.PAGE_SIZE + 5)])
    client = login(manager)
    page = client.get("/events/").content.decode()
    assert "Load older events" in page and ids[-1] not in page
    cursor = page.split("cursor=")[1].split('"')[0]
    more = client.get(f"/events/?since=7d&cursor={cursor}", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in more and ids[-1] in more and ids[0] not in more


def test_live_tail_returns_only_newer_events(login, manager, store, alice_key):
    old = store(alice_key, ago=timedelta(minutes=5))
    new = store(alice_key, ago=timedelta(seconds=1))
    body = login(manager).get(f"/events/?since=7d&newer_than={old}", HTTP_HX_REQUEST="true").content.decode()
    assert new in body and old not in body.replace(f"newer_than={old}", "") and f"newer_than={new}" in body


def test_event_detail_shows_findings_and_redacted_excerpt(login, manager, store, alice_key):
    event_id = store(alice_key, action="escalate", prompt_excerpt="send it to [EMAIL_1]",
                     policies=[escalating()])
    body = login(manager).get(f"/events/{event_id}/").content.decode()
    assert "pii-check" in body and "0.91" in body and "email address in prompt" in body
    assert "send it to [EMAIL_1]" in body


def test_event_fields_holding_html_render_inert(login, manager, store, alice_key):
    script = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    event_id = store(alice_key, model="<b>m</b>", prompt_excerpt=script, response_excerpt=script,
                     policies=[escalating(name="<i>p</i>", reasons=[script])])
    client = login(manager)
    for path in (f"/events/{event_id}/", "/events/", "/escalations/"):
        body = client.get(path).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>m</b>" not in body, path
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in client.get(f"/events/{event_id}/").content.decode()


def test_csv_export_link_streams_the_filtered_set(login, manager, store, alice_key):
    blocked = store(alice_key, action="block", policies=[{"name": "secrets", "type": "dlp-filter", "action": "block"}])
    store(alice_key)
    client = login(manager)
    page = client.get("/events/?action=block").content.decode()
    export = page.split('href="/v1/events/export?')[1].split('"')[0].replace("&amp;", "&")
    response = client.get(f"/v1/events/export?{export}")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r[0] for r in rows[1:]] == [blocked]


def test_developer_sees_only_own_events(login, alice, store, alice_key, platform):
    carol = member(platform, "developer", "carol@acme.test")
    carols = store(GatewayKeyFactory(team=platform, user=carol))
    mine = store(alice_key)
    client = login(alice)
    body = client.get("/events/").content.decode()
    assert mine in body and carols not in body
    assert client.get(f"/events/{carols}/").status_code == 404


def test_outsider_gets_404_for_an_acme_event(login, outsider, store, alice_key):
    event_id = store(alice_key)
    client = login(outsider)
    assert client.get(f"/events/{event_id}/").status_code == 404
    assert event_id not in client.get("/events/").content.decode()


def test_empty_events_page_explains_how_to_start(login, manager):
    assert "export OPENAI_BASE_URL=http://gateway.internal:41002/v1" in login(manager).get("/events/").content.decode()


def test_events_query_count_is_bounded(login, manager, store, alice_key, django_assert_max_num_queries):
    store([make_event(alice_key, ago=timedelta(seconds=i), policies=[escalating()]) for i in range(30)])
    client = login(manager)
    with django_assert_max_num_queries(15):
        assert client.get("/events/").status_code == 200


def tail_rows(response) -> list[str]:
    """The table rows a live tail sent, one HTML string per SSE event."""
    assert response["Content-Type"] == "text/event-stream"
    rows = []
    for block in b"".join(response.streaming_content).decode().split("\n\n"):
        data = [line.removeprefix("data: ") for line in block.splitlines() if line.startswith("data: ")]
        if data and any(line.startswith("event: event") for line in block.splitlines()):
            rows.append("\n".join(data))
    return rows


def test_managers_live_tail_streams_rows_of_their_teams_only(login, manager, store, alice_key, bob_key, monkeypatch):
    monkeypatch.setattr(views, "TAIL_STREAM_SECONDS", 0.2)
    client = login(manager)
    page = client.get("/events/").content.decode()
    stream_url = page.split('data-stream="')[1].split('"')[0].replace("&amp;", "&")
    mine = store(alice_key, model="gpt-4o-mini")
    store(bob_key, model="claude-3-5-sonnet")  # payments: not the manager's team
    rows = tail_rows(client.get(stream_url))
    assert len(rows) == 1 and mine in rows[0] and "gpt-4o-mini" in rows[0] and rows[0].startswith("<tr>")
    assert "claude-3-5-sonnet" not in "".join(rows)


def test_live_tail_applies_the_pages_filters_and_the_team_switcher(login, owner, platform, store, alice_key, bob_key,
                                                                   monkeypatch):
    monkeypatch.setattr(views, "TAIL_STREAM_SECONDS", 0.2)
    client = login(owner)
    client.post("/switch-team/", {"team": platform.id, "next": "/events/"})
    blocked = store(alice_key, action="block", policies=[{"name": "secrets", "type": "dlp-filter", "action": "block"}])
    store(alice_key)
    store(bob_key, action="block", policies=[{"name": "secrets", "type": "dlp-filter", "action": "block"}])
    rows = tail_rows(client.get("/events/stream/?action=block&last_event_id=0:~"))
    assert len(rows) == 1 and blocked in rows[0]


def test_live_tail_needs_a_session(client):
    response = client.get("/events/stream/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_outsiders_live_tail_is_empty(login, outsider, store, alice_key, monkeypatch):
    monkeypatch.setattr(views, "TAIL_STREAM_SECONDS", 0.2)
    store(alice_key)
    assert tail_rows(login(outsider).get("/events/stream/?last_event_id=0:~")) == []


def test_live_tail_beyond_the_servers_slots_is_refused_so_the_page_polls(login, manager, monkeypatch):
    from apps.events.stream import StreamSlots

    monkeypatch.setattr(views, "LIVE_TAILS", StreamSlots(0))
    response = login(manager).get("/events/stream/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "polls instead" in response.content.decode()


def test_a_stream_slot_is_freed_when_the_stream_ends(login, manager, monkeypatch):
    from apps.events.stream import StreamSlots

    monkeypatch.setattr(views, "TAIL_STREAM_SECONDS", 0.01)
    monkeypatch.setattr(views, "LIVE_TAILS", StreamSlots(1))
    client = login(manager)
    first = client.get("/events/stream/")
    assert client.get("/events/stream/").status_code == 503  # the one slot is held
    b"".join(first.streaming_content)  # the stream ends; the server closes the response
    assert client.get("/events/stream/").status_code == 200


def test_a_stream_slot_is_freed_even_when_the_client_left_before_the_first_byte():
    from apps.events.stream import StreamSlots

    slots = StreamSlots(1)
    started = []

    def events():
        started.append(True)
        yield b"retry: 1000\n\n"

    held = slots.hold(events())
    assert slots.hold(iter(())) is None
    held.close()  # what the WSGI server calls, whether it iterated or not
    assert not started and slots.hold(iter(())) is not None


def test_event_times_read_as_date_and_time(login, manager, store, alice_key):
    from apps.events.models import Event

    event_id = store(alice_key)
    ts = Event.objects.get(id=event_id).ts
    body = login(manager).get("/events/").content.decode()
    assert f'>{ts:%Y-%m-%d %H:%M:%S}</a>' in body


def test_until_and_team_bound_the_table_like_the_api(login, owner, store, alice_key, bob_key):
    sprint = store(alice_key, ago=timedelta(days=3))
    store(alice_key, ago=timedelta(hours=1))  # after the sprint
    store(bob_key, ago=timedelta(days=3))  # payments
    until = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = login(owner).get(f"/events/?since=7d&until={until}&team=platform").content.decode()
    assert body.count('class="nowrap"') == 1 and sprint in body
    assert f"until={until.replace(':', '%3A')}" in body  # the CSV export keeps the bounds


def test_live_tail_with_a_policy_filter_returns_only_newer_matches(login, manager, store, alice_key):
    secrets = [{"name": "secrets", "type": "dlp-filter", "action": "block"}]
    old = store(alice_key, action="block", policies=secrets, ago=timedelta(minutes=5))
    new = store(alice_key, action="block", policies=secrets, ago=timedelta(seconds=1))
    unmatched = store(alice_key, ago=timedelta(seconds=2))
    body = login(manager).get(f"/events/?since=7d&policy=dlp-filter&newer_than={old}",
                              HTTP_HX_REQUEST="true").content.decode()
    assert new in body and unmatched not in body and old not in body.replace(f"newer_than={old}", "")
