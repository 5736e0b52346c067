from apps.core.views import TEAM_SESSION_KEY, console_scope
from apps.escalations.models import Escalation
from apps.escalations.selectors import escalation_tallies

NAVIGATION = [
    ("console:dashboard", "Dashboard"),
    ("console:events", "Events"),
    ("console:escalations", "Escalations"),
    ("console:costs", "Cost Center"),
    ("policies:list", "Templates"),
    ("keys:list", "Settings"),
]


def console(request):
    """Layout context: navigation and the team switcher (visible teams only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = console_scope(request)
    full = request.full_scope
    return {
        "nav_items": NAVIGATION,
        "switcher_teams": list(full.teams()),
        "current_team_id": request.session.get(TEAM_SESSION_KEY),
        "console_scope": scope,
        "is_admin": bool(full.org_role),
        "can_manage": full.has_role("manager"),
        "open_escalations": open_escalations(scope),
    }


def open_escalations(scope) -> int:
    """The count on the Escalations tab: open items the actor can see (from the escalation counts)."""
    return escalation_tallies(scope=scope, status=Escalation.Status.OPEN).total()
