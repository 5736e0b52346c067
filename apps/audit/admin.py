from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organization", "actor_label", "action", "target_label", "ip"]
    list_filter = ["action", "organization"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
