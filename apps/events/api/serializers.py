"""Response shapes for the OpenAPI document. The views build these dicts directly
(orjson, no per-row serializer) for speed; the shapes here document them."""

from rest_framework import serializers


class PolicyEntrySerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    action = serializers.ChoiceField(choices=["block", "escalate", "redact", "log", "allow"])
    phase = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    findings = serializers.DictField(child=serializers.IntegerField(), help_text="counts by entity type or category")


class EventSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="ULID")
    ts = serializers.DateTimeField()
    team = serializers.CharField()
    gateway = serializers.CharField(allow_null=True)
    user = serializers.EmailField()
    key_id = serializers.CharField()
    model = serializers.CharField()
    endpoint = serializers.CharField()
    status = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["block", "escalate", "redact", "log", "allow", "error"])
    policies = PolicyEntrySerializer(many=True)
    tokens_in = serializers.IntegerField()
    tokens_out = serializers.IntegerField()
    cost_usd = serializers.FloatField()
    priced = serializers.BooleanField()
    latency_ms = serializers.FloatField()
    upstream_ms = serializers.FloatField(allow_null=True)
    stream = serializers.BooleanField()
    prompt_excerpt = serializers.CharField(allow_null=True)
    response_excerpt = serializers.CharField(allow_null=True)
    error_code = serializers.CharField(allow_null=True)


class EventPageSerializer(serializers.Serializer):
    data = EventSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class EventGroupSerializer(serializers.Serializer):
    requests = serializers.IntegerField()
    blocked = serializers.IntegerField()
    redacted = serializers.IntegerField()
    escalated = serializers.IntegerField()
    tokens_in = serializers.IntegerField()
    tokens_out = serializers.IntegerField()
    cost_usd = serializers.FloatField()


class EventGroupsSerializer(serializers.Serializer):
    group_by = serializers.ListField(child=serializers.CharField())
    data = EventGroupSerializer(many=True)


class GatewayKeySerializer(serializers.Serializer):
    id = serializers.CharField(help_text="public key id (gk_…)")
    display = serializers.CharField()
    name = serializers.CharField()
    user = serializers.EmailField()
    team = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)


class GatewayKeyCreateSerializer(serializers.Serializer):
    user = serializers.EmailField()
    team = serializers.SlugField()
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class GatewayKeyCreatedSerializer(serializers.Serializer):
    id = serializers.CharField()
    key = serializers.CharField(help_text="the plaintext key: shown only in this response")
    display = serializers.CharField()
    user = serializers.EmailField()
    team = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
