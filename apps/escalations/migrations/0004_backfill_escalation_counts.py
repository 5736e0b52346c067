"""Backfill the escalation counts from the escalations already stored (one GROUP BY)."""

from django.db import migrations


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        day = "date_trunc('day', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
    else:
        day = "strftime('%Y-%m-%d 00:00:00', created_at)"
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM escalations_escalationcount")
        cursor.execute(
            "INSERT INTO escalations_escalationcount (organization_id, team_id, day, policy, status, count) "
            f"SELECT organization_id, team_id, {day}, policy, status, COUNT(*) FROM escalations_escalation "
            f"GROUP BY organization_id, team_id, {day}, policy, status"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("escalations", "0003_escalation_counts"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
