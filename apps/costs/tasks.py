from celery import shared_task


@shared_task
def budgets_recompute():
    """Month-to-date budget state of every team, recomputed from the usage rollup."""
    from apps.tenancy.models import Team

    from .services import budget_recompute_month

    for team_id in Team.objects.values_list("id", flat=True):
        budget_team_recompute.delay(team_id)


@shared_task
def budget_team_recompute(team_id: int):
    from apps.tenancy.models import Team

    from .services import budget_recompute_month

    team = Team.objects.filter(pk=team_id).first()
    if team is not None:
        budget_recompute_month(team)
