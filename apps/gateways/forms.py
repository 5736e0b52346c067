from django import forms

from apps.tenancy.models import Role, Team


class GatewayForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, help_text="e.g. platform-prod")
    teams = forms.ModelMultipleChoiceField(queryset=Team.objects.none(), widget=forms.CheckboxSelectMultiple,
                                           help_text="A department may share one gateway across its teams.")

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        managed = [tid for tid in scope.team_ids if scope.has_role(Role.MANAGER, tid)]
        self.fields["teams"].queryset = Team.objects.filter(id__in=managed).order_by("name")
