"""What the grades mean under the active rule set: the grading help next to every grade field and the
grade choices' labels (docs/domain.md, "Grades"). Leads' forms read it; it reads only the rule models.

Each preset ships its manual's wording (migration 0009); a dealership edits it with its rule set.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from followups.models import GradeRule
from leads.models import Customer

# The help reads from the hottest prospect down, the ordered customer last.
HELP_ORDER = [Customer.Grade.H, Customer.Grade.A, Customer.Grade.B, Customer.Grade.C, Customer.Grade.N, Customer.Grade.O]


@dataclass(frozen=True)
class GradeHelp:
    grade: str
    expected_purchase: str
    criteria: tuple[str, ...]
    cadence: str


def _active_rules() -> dict[str, GradeRule]:
    return {rule.grade: rule for rule in GradeRule.objects.filter(rule_set__is_active=True)}


def cadence_text(rule: GradeRule) -> str:
    """"First follow-up within 3 days, then at least 2 times every 3 days", in the interface language."""
    parts = []
    if rule.first_within_days == 0:
        parts.append(_("first follow-up the same day"))
    elif rule.first_within_days == 1:
        parts.append(_("first follow-up within 24 hours"))
    elif rule.first_within_days is not None:
        parts.append(_("first follow-up within %(days)s days") % {"days": rule.first_within_days})
    parts.append(
        ngettext(
            "then at least once every %(days)s days", "then at least %(times)s times every %(days)s days", rule.times
        ) % {"times": rule.times, "days": rule.per_days}
    )
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def grade_guide() -> list[GradeHelp]:
    """The active rule set's grading help, one entry per grade it has a rule for (one query)."""
    rules = _active_rules()
    return [
        GradeHelp(
            grade=grade,
            expected_purchase=rules[grade].expected_purchase,
            criteria=tuple(line.strip() for line in rules[grade].criteria.splitlines() if line.strip()),
            cadence=cadence_text(rules[grade]),
        )
        for grade in HELP_ORDER
        if grade in rules
    ]


def grade_choices(*, include_ordered: bool = True) -> list[tuple[str, str]]:
    """Grade choices labelled with the active set's expected purchase ("H · 7日内可能购车"), in grade order.

    Without `include_ordered`, the grades a consultant gives by hand: O comes only with an order.
    """
    rules = _active_rules()
    return [
        (grade, f"{grade} · {rules[grade].expected_purchase}" if grade in rules and rules[grade].expected_purchase else grade)
        for grade in Customer.Grade.values
        if include_ordered or grade != Customer.Grade.O
    ]
