from django import forms

from apps.tenancy.models import Role, Team, User

from .models import Scopes


class ExpiryField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})


class GatewayKeyForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), help_text="The key's team decides its policies.")
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="Member",
                                  help_text="Developers create keys for themselves; managers for their team's members.")
    name = forms.CharField(max_length=100, required=False, help_text="Something to recognise it by, e.g. 'laptop'.")
    expires_at = ExpiryField(required=False, label="Expires (optional, UTC)")

    def __init__(self, *args, scope, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = scope.teams()
        if len(scope.team_ids) == 1:
            self.fields["team"].initial = scope.team_ids[0]
        managed = [tid for tid in scope.team_ids if scope.has_role(Role.MANAGER, tid)]
        people = User.objects.filter(pk=actor.pk)
        if managed:
            people = people | User.objects.filter(memberships__team_id__in=managed)
        self.fields["user"].queryset = people.distinct().order_by("email")
        self.fields["user"].initial = actor.pk


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False)
    scopes = forms.MultipleChoiceField(choices=[(s, s) for s in Scopes.ALL], initial=list(Scopes.DEFAULT),
                                       widget=forms.CheckboxSelectMultiple)
    teams = forms.ModelMultipleChoiceField(queryset=Team.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text="Leave empty for every team you can see.")
    expires_at = ExpiryField(required=False, label="Expires (optional, UTC)")

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = scope.teams()
