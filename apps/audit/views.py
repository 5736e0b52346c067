from django.core.paginator import Paginator

from apps.core.views import ConsoleView
from apps.tenancy.models import Role

from .models import AuditEntry


class AuditLogView(ConsoleView):
    """Audit log: credentials created/revoked, role and policy changes. Admins only."""

    template_name = "audit/auditentry_list.html"
    required_role = {"GET": Role.ADMIN}

    def get_context_data(self, **kwargs):
        entries = AuditEntry.objects.filter(organization=self.scope.organization).select_related("team")
        page = Paginator(entries, 50).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, **kwargs)
