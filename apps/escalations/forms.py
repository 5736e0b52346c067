from django import forms

from .models import Escalation

TRIAGE_ACTIONS = [
    ("confirm", "Confirm"),
    ("dismiss", "Dismiss as false positive"),
    ("resolve", "Resolve"),
    ("assign_me", "Assign to me"),
]


class TriageForm(forms.Form):
    action = forms.ChoiceField(label="Action", choices=TRIAGE_ACTIONS)
    note = forms.CharField(label="Note", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="Why: kept with the escalation and in the audit log.")


class BulkTriageForm(TriageForm):
    ids = forms.TypedMultipleChoiceField(label="Escalations", coerce=int)

    def __init__(self, data, *, queue, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["ids"].choices = [(pk, pk) for pk in queue.values_list("pk", flat=True)]


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label="Assign to", coerce=int, required=False, empty_value=None)

    def __init__(self, data=None, *, members, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["assignee"].choices = [("", "Nobody")] + [(u.pk, u.email) for u in members]


STATUS_FILTERS = [("open", "Open"), ("confirmed", "Confirmed"), ("dismissed", "Dismissed"),
                  ("resolved", "Resolved"), ("all", "All")]


def status_filter(value: str | None) -> str | None:
    """The queue's status filter: open by default, None for all."""
    if value == "all":
        return None
    return value if value in Escalation.Status.values else Escalation.Status.OPEN
