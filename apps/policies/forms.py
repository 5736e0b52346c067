from django import forms

from apps.tenancy.models import Role, Team


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=500, required=False)
    yaml_text = forms.CharField(label="Policy YAML", strip=False, widget=forms.Textarea(attrs={
        "rows": 24, "spellcheck": "false", "class": "code",
        "hx-post": "/templates/lint/", "hx-trigger": "input changed delay:400ms, load",
        "hx-target": "#lint-results", "hx-swap": "innerHTML",
    }))

    def clean_yaml_text(self):
        # Browsers send textarea lines with CRLF; store what a file on disk would hold.
        return self.cleaned_data["yaml_text"].replace("\r\n", "\n")


class ApplyForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Apply to team")
    note = forms.CharField(max_length=200, required=False, help_text="Why (shown in the team's history).")

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        managed = [tid for tid in scope.team_ids if scope.has_role(Role.MANAGER, tid)]
        self.fields["team"].queryset = Team.objects.filter(id__in=managed).order_by("name")
