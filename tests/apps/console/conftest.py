"""Console fixtures: events stored through the real ingest pipeline (accept + process)."""

import msgspec
import pytest

from apps.events.models import IngestBatch
from apps.events.services import batch_accept, batch_process
from tests.apps.events.conftest import alice_key, bob_key, make_event  # noqa: F401 (fixtures)
from tests.factories import GatewayFactory


@pytest.fixture
def gateway(org, platform, payments):
    return GatewayFactory(organization=org, teams=[platform, payments], name="acme-gw")


@pytest.fixture
def store(gateway):
    """store(key, **fields) or store([event, …]): ingest like a gateway push would."""

    def _store(key_or_events, **fields):
        events = key_or_events if isinstance(key_or_events, list) else [make_event(key_or_events, **fields)]
        result = batch_accept(gateway=gateway, body=msgspec.json.encode({"events": events}))
        assert not result["rejected"], result["rejected"]
        for batch_id in IngestBatch.objects.filter(status=IngestBatch.Status.PENDING).values_list("pk", flat=True):
            batch_process(batch_id)
        return events[0]["id"] if len(events) == 1 else [e["id"] for e in events]

    return _store


def escalating(name="pii-check", score=0.91, **extra):
    """A policy entry that escalated."""
    return {"name": name, "type": "pii", "action": "escalate", "phase": "input", "score": score,
            "findings": {"email": 1}, "reasons": ["email address in prompt"], **extra}
