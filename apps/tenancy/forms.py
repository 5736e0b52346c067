from django import forms

from .models import ORG_WIDE_ROLES, Role, Team


class MemberForm(forms.Form):
    email = forms.EmailField()
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False,
                                  help_text="Leave empty only for organization-wide roles (owner, admin).")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.DEVELOPER)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = scope.teams()
        if not scope.org_role:
            self.fields["role"].choices = [(r.value, r.label) for r in Role if r not in ORG_WIDE_ROLES]

    def clean(self):
        data = super().clean()
        if data.get("role") not in ORG_WIDE_ROLES and not data.get("team"):
            self.add_error("team", "Choose the team for a manager, developer or viewer.")
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
