"""Indexes found by `make bench` (BENCHMARKS.md), PostgreSQL only; the model state is unchanged.

- customer_created_recent: the whole-dealership customer list, newest first (first and deep pages).
- customer_*_trgm: the list's search "name contains / phone contains" (LIKE '%…%') through pg_trgm.
- customer_first_contact: reports counting new prospects of a day and month to date.
- customer_appointment: the today page's appointments of the day.
- contact_contacted_at: reports counting a month's contacts over the whole dealership.
- change_field_value_at: reports counting deliveries (status history rows) of a period.
"""

from django.db import migrations

INDEXES = [
    ("customer_created_recent", "leads_customer (created_at DESC, id DESC)"),
    ("customer_first_contact", "leads_customer (first_contact_on)"),
    ("customer_appointment", "leads_customer (appointment_at) WHERE appointment_at IS NOT NULL"),
    ("customer_name_trgm", "leads_customer USING gin (UPPER(name) gin_trgm_ops)"),  # icontains is UPPER() LIKE
    ("customer_phone_trgm", "leads_customer USING gin (phone gin_trgm_ops)"),
    ("customer_phone2_trgm", "leads_customer USING gin (phone2 gin_trgm_ops)"),
    ("contact_contacted_at", "leads_contact (contacted_at, consultant_id)"),  # index-only counts per consultant
    ("change_field_value_at", "leads_customerchange (field, new_value, changed_at)"),
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
