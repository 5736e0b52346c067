"""Filters of the Console's read pages: team, gateway and period (DESIGN §9)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from django import forms

PERIODS = [("7d", "Last 7 days"), ("14d", "Last 14 days"), ("30d", "Last 30 days"), ("custom", "Sprint dates")]
MAX_DAYS = 92  # a quarter: rollups keep longer, but pages stay fast


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive, UTC
    end: datetime  # exclusive, UTC
    label: str

    @property
    def days(self) -> list[date]:
        first, last = self.start.date(), (self.end - timedelta(microseconds=1)).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


class ConsoleFilterForm(forms.Form):
    """Team, gateway and period; the team and gateway choices are the actor's visible ones."""

    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    gateway = forms.TypedChoiceField(label="Gateway", required=False, coerce=int, empty_value=None)
    period = forms.ChoiceField(label="Period", choices=PERIODS, required=False, initial="7d")
    start = forms.DateField(label="Sprint start", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Sprint end", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                          help_text="Inclusive.")

    def __init__(self, data, *, teams, gateways=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["team"].choices = [("", "All visible teams")] + [(t.id, t.name) for t in teams]
        if gateways is None:
            del self.fields["gateway"]
        else:
            self.fields["gateway"].choices = [("", "All gateways")] + [(g.id, g.name) for g in gateways]

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError("Sprint dates need both a start and an end date.")
            if end < start:
                raise forms.ValidationError("The sprint end date is before its start date.")
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(f"Pick at most {MAX_DAYS} days.")
        return data

    def chosen_period(self, now: datetime | None = None) -> Period:
        now = now or datetime.now(timezone.utc)
        data = self.cleaned_data if self.is_valid() else {}
        choice = data.get("period") or "7d"
        if choice == "custom":
            return Period(_midnight(data["start"]), _midnight(data["end"] + timedelta(days=1)),
                          f"{data['start']:%b %-d} – {data['end']:%b %-d, %Y}")
        days = int(choice.rstrip("d"))
        end = _midnight(now.date() + timedelta(days=1))
        return Period(end - timedelta(days=days), end, dict(PERIODS)[choice])

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None
