"""`manage.py check_data`: the stored rows whose dates or numbers are outside the bounds of `common.bounds`.

Values typed through the forms keep to the bounds; rows imported or written before them may not, and
some break every page that reads them (a datetime PostgreSQL holds in year 0 cannot be read back). The
command finds them by their ids only, never reading the values, one query per model and field, and
lists them per model and field for someone to correct. Exit status 0 and "nothing found" when clean,
1 when something is found (so that a deploy step or a cron job notices).
"""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from common.bounds import RULES, Within

# Fields of models that do not carry a `Within` validator yet, with their rule (a field listed here
# and carrying the validator is checked once).
ALSO_CHECKED = {
    ("followups", "RuleSet", "defeat_revisit_days"): "cadence_days",
    ("followups", "GradeRule", "first_within_days"): "first_within_days",
    ("followups", "GradeRule", "times"): "cadence_times",
    ("followups", "GradeRule", "per_days"): "cadence_days",
    ("followups", "Task", "due_on"): "followup_date",
    ("reports", "MonthlyTarget", "month"): "report_period",
    **{("reports", "MonthlyTarget", name): "target" for name in ("contacts", "prospecting", "return_visits", "test_drives", "sales")},
}

IDS_SHOWN = 20


def bounded_fields() -> list[tuple[type, str, str]]:
    """(model, field name, rule name) of every bounded field, in app and model order."""
    found: dict[tuple[str, str, str], tuple[type, str, str]] = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            for validator in field.validators:
                if isinstance(validator, Within):
                    found[(model._meta.app_label, model.__name__, field.name)] = (model, field.name, validator.rule)
    for (app_label, model_name, field_name), rule in ALSO_CHECKED.items():
        try:
            model = apps.get_model(app_label, model_name)
            model._meta.get_field(field_name)
        except (LookupError, FieldDoesNotExist):  # the model changed: nothing to check there
            continue
        found.setdefault((app_label, model_name, field_name), (model, field_name, rule))
    return [found[key] for key in sorted(found)]


class Command(BaseCommand):
    help = (
        "List rows whose dates or numbers are outside the bounds a form accepts (common/bounds.py), "
        "per model and field, with their ids. Exit status 1 when any is found."
    )

    def handle(self, *args, **options):
        total = 0
        for model, field_name, rule_name in bounded_fields():
            rule = RULES[rule_name]
            low, high = rule.stored_limits()
            outside = (
                model._base_manager.filter(Q(**{f"{field_name}__lt": low}) | Q(**{f"{field_name}__gt": high}))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            count = outside.count()
            if not count:
                continue
            total += count
            ids = ", ".join(str(pk) for pk in outside[:IDS_SHOWN])
            more = f" and {count - IDS_SHOWN} more" if count > IDS_SHOWN else ""
            self.stdout.write(
                f"{model._meta.label}.{field_name}: {count} row{'s' if count != 1 else ''} outside "
                f"{rule.show(low)} … {rule.show(high)} (ids {ids}{more})"
            )
        if not total:
            self.stdout.write("Nothing found: every bounded date and number is within its bounds.")
            return
        raise CommandError(f"{total} value{'s' if total != 1 else ''} outside the bounds (listed above).")
