"""Trigram indexes for the customer list's search "name contains / phone contains" (LIKE '%…%'),
PostgreSQL only (they need the pg_trgm extension, so they are SQL, not model indexes).

The other indexes this migration once created are declared on the models (leads 0005).
"""

from django.db import migrations

INDEXES = [
    ("customer_name_trgm", "leads_customer USING gin (UPPER(name) gin_trgm_ops)"),  # icontains is UPPER() LIKE
    ("customer_phone_trgm", "leads_customer USING gin (phone gin_trgm_ops)"),
    ("customer_phone2_trgm", "leads_customer USING gin (phone2 gin_trgm_ops)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("leads", "0002_code_lists")]
    operations = [migrations.RunPython(create, drop)]
