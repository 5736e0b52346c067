"""The one FilterSet of events (STYLE §7): drives `/v1/events`, its export and
stream, and the Console's Events table. `group_by`, `limit` and `cursor` are
not filters; the view and selectors handle them."""

import re
from datetime import datetime, timedelta, timezone

import django_filters
from django import forms
from django.db.models import Q

from keeptrusts import wire

from apps.tenancy.models import Team

from ..models import Event
from ..selectors import EntryMatch

RELATIVE = re.compile(r"^(\d+)\s*(m|h|d|w)$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
TIME_ACCEPTED = "a relative time (30m, 24h, 7d, 2w) or an ISO-8601 UTC time (2026-11-27T08:00:00Z)"
ENTRY_ACTIONS = ("escalate", "redact", "log")  # "events where a policy entry took it"
ACTION_ACCEPTED = ", ".join(("block", "escalate", "redact", "log", "allow", "error"))


def parse_time(value: str, now: datetime | None = None) -> datetime:
    value = value.strip()
    match = RELATIVE.match(value)
    if match:
        now = now or datetime.now(timezone.utc)
        return now - timedelta(**{UNITS[match.group(2)]: int(match.group(1))})
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise forms.ValidationError(f"{value!r} is not a time; accepted: {TIME_ACCEPTED}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class TimeField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return parse_time(value) if value else None


class ActionField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if value and value not in wire.EVENT_ACTIONS:
            raise forms.ValidationError(f"unknown action {value!r}; accepted: {ACTION_ACCEPTED}")
        return value or None


class TimeFilter(django_filters.Filter):
    field_class = TimeField


class ActionFilter(django_filters.Filter):
    field_class = ActionField


class EventFilterSet(django_filters.FilterSet):
    since = TimeFilter(method="filter_since", help_text=f"Events at or after this time: {TIME_ACCEPTED}.")
    until = TimeFilter(method="filter_until", help_text=f"Events before this time: {TIME_ACCEPTED}.")
    action = ActionFilter(method="filter_action", help_text=(
        "block|escalate|redact|log: events where a policy entry took that action; allow: nothing acted; "
        "error: malformed request or upstream failure. With `policy`, both apply to the same entry."))
    policy = django_filters.CharFilter(method="filter_policy", help_text="A policy type (quality-scorer) or name.")
    model = django_filters.CharFilter(field_name="model")
    user = django_filters.CharFilter(field_name="user__email", lookup_expr="iexact", help_text="The user's email.")
    team = django_filters.CharFilter(field_name="team__slug", help_text="A team slug.")
    gateway = django_filters.CharFilter(method="filter_gateway", help_text="A gateway id (gw_…) or name.")
    key = django_filters.CharFilter(field_name="key_id", help_text="A gateway key's public id (gk_…).")

    class Meta:
        model = Event
        fields = []

    def __init__(self, *args, team_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team_ids = team_ids  # bounds the policy-entry condition to the visible teams
        self.entries: EntryMatch | None = None
        self.event_level_qs = None

    def filter_queryset(self, queryset):
        """The event-level filters, then the policy-entry condition (`policy`, or an
        entry-level `action`) as a subquery. `page_source` keeps the two apart, so a
        page can walk the entries newest first instead of collecting the whole window."""
        self.entries = None
        self.event_level_qs = super().filter_queryset(queryset)
        if self.entries is None:
            return self.event_level_qs
        return self.event_level_qs.filter(id__in=self.entries.event_ids())

    def page_source(self):
        """(event-level queryset, EntryMatch or None): what `selectors.event_page` pages through."""
        self.qs  # noqa: B018 (runs the filters once)
        return self.event_level_qs, self.entries

    # The time bounds also bound the policy-entry condition (partition pruning).
    def filter_since(self, queryset, name, value):
        return queryset.filter(ts__gte=value)

    def filter_until(self, queryset, name, value):
        return queryset.filter(ts__lt=value)

    def filter_gateway(self, queryset, name, value):
        return queryset.filter(Q(gateway__key_id=value) | Q(gateway__name=value))

    def filter_action(self, queryset, name, value):
        if self.form.cleaned_data.get("policy"):
            return queryset  # applied together with the policy, on the same entry
        if value in ENTRY_ACTIONS:
            self.entries = self._match(action=value)
            return queryset
        return queryset.filter(action=value)  # block is the strongest action: event-level == entry-level

    def filter_policy(self, queryset, name, value):
        self.entries = self._match(policy=value, action=self.form.cleaned_data.get("action"))
        return queryset

    def _match(self, *, policy=None, action=None) -> EntryMatch:
        data = self.form.cleaned_data
        return EntryMatch(policy=policy, action=action, since=data.get("since"), until=data.get("until"),
                          team_ids=self._entry_team_ids(data.get("team")))

    def _entry_team_ids(self, team_slug: str | None) -> tuple[int, ...] | None:
        """The visible teams, narrowed to the chosen one: the entry walk then reads one team's
        entries instead of reading every team's and dropping most at the event filter."""
        if self.team_ids is None:
            return None
        if not team_slug:
            return tuple(self.team_ids)
        return tuple(Team.objects.filter(id__in=self.team_ids, slug=team_slug).values_list("id", flat=True))

    def first_error(self) -> tuple[str, str]:
        for field, errors in self.form.errors.items():
            return field, errors[0]
        return "", ""
