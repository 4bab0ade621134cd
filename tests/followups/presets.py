"""Helpers for transactional tests: the flush between them empties the data migrations' rows."""

import importlib

from followups.models import GradeRule, RuleSet

_presets = importlib.import_module("followups.migrations.0002_presets_and_schedule").PRESETS


def ensure_presets() -> None:
    for name, (description, active, grades) in _presets.items():
        rule_set, created = RuleSet.objects.get_or_create(name=name, defaults={"description": description, "is_active": active})
        if created:
            GradeRule.objects.bulk_create(
                GradeRule(rule_set=rule_set, grade=g, first_within_days=f, times=t, per_days=p) for g, (f, t, p) in grades.items()
            )
