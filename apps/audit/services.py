from .models import AuditEntry


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind a proxy (compose), the web container sees the proxy; REMOTE_ADDR is
    # what Django trusts by default and we do not widen that.
    return request.META.get("REMOTE_ADDR") or None


def audit_record(*, organization, actor, action: str, target, request=None, team=None, **data) -> AuditEntry:
    """Record one audited change. `actor` is a user or None (an operator command)."""
    label = getattr(target, "display", None) or str(target)
    return AuditEntry.objects.create(
        organization=organization,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if actor else "system",
        action=action,
        target_type=type(target).__name__,
        target_id=str(getattr(target, "key_id", None) or target.pk),
        target_label=label,
        team=team,
        ip=client_ip(request),
        data=data,
    )
