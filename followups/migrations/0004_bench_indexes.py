"""Indexes found by `make bench` (BENCHMARKS.md) for the daily activity report over the whole dealership,
PostgreSQL only; the model state is unchanged.

- task_closed_at: tasks done in a period.
- task_unclosed_due: tasks still open, by due date (overdue at the start of a day).
"""

from django.db import migrations

INDEXES = [
    ("task_closed_at", "followups_task (closed_at)"),
    ("task_unclosed_due", "followups_task (due_on) WHERE closed_at IS NULL"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("followups", "0003_h_list_note")]
    operations = [migrations.RunPython(create, drop)]
