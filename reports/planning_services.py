"""Writes of the weekly management loop: improvement actions, success plans and one-to-one notes.

Who may call them is the views' business (`accounts.permissions.may_plan_improvements`,
`may_edit_success_plans`), and the views look the rows up through `reports.planning`, so a row
reaches a service only if its writer may see it. Each save goes through `Model.save()` so that
django-simple-history writes its history row (who, when, what) in the same transaction; an edit
form's `version` older than the row's is refused (`StaleEdit`), nothing overwritten.
"""

import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from leads.services import create_once
from reports.models import ImprovementAction, OneToOneNote, SuccessPlan
from reports.periods import month_first

ACTION_FIELDS = ("problem", "measure", "owner", "due_on", "status", "result", "team")
PLAN_FIELDS = ("consultant", "month", "goals", "actions", "next_review_on")
NOTE_FIELDS = ("held_on", "notes", "next_steps")


class StaleEdit(Exception):
    """Someone saved the row after this form was opened."""

    def __init__(self, row):
        self.row = row
        super().__init__(
            _("%(user)s changed this at %(time)s after you opened it. Your changes were not saved: "
              "review the current values and enter them again.")
            % {"user": row.updated_by, "time": timezone.localtime(row.updated_at).strftime("%Y-%m-%d %H:%M:%S")}
        )


def _save_if_current(model, pk: int, *, fields: dict[str, Any], allowed: tuple[str, ...], version: int, by: User):
    """Lock the row, refuse it if saved since `version`, else write `fields` with a new version."""
    row = model.objects.select_for_update().select_related("updated_by").get(pk=pk)
    if row.version != version:
        raise StaleEdit(row)
    changed = [name for name in allowed if name in fields]
    for name in changed:
        setattr(row, name, fields[name])
    row.version += 1
    row.updated_by = by
    row._history_user = by
    row.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
    return row


# --- Improvement actions ---------------------------------------------------------------------------


def improvement_action_create(*, fields: dict[str, Any], by: User, submission_key: uuid.UUID | None = None) -> ImprovementAction:
    """A new action of the meeting, open; a resent form creates nothing more."""

    def create() -> ImprovementAction:
        action = ImprovementAction(
            **{name: fields[name] for name in ACTION_FIELDS if name in fields},
            created_by=by, updated_by=by, submission_key=submission_key,
        )
        action._history_user = by
        action.save()
        return action

    return create_once(ImprovementAction, submission_key, create)[0]


@transaction.atomic
def improvement_action_update(*, action: ImprovementAction, fields: dict[str, Any], version: int, by: User) -> ImprovementAction:
    """Change what the action says, its owner, deadline or status (done or dropped, with the result)."""
    return _save_if_current(ImprovementAction, action.pk, fields=fields, allowed=ACTION_FIELDS, version=version, by=by)


# --- Success plans ---------------------------------------------------------------------------------


def success_plan_create(*, fields: dict[str, Any], by: User, submission_key: uuid.UUID | None = None) -> SuccessPlan:
    """A consultant's plan for a month (one per consultant and month: the form says so first)."""

    def create() -> SuccessPlan:
        plan = SuccessPlan(
            **{name: fields[name] for name in PLAN_FIELDS if name in fields},
            created_by=by, updated_by=by, submission_key=submission_key,
        )
        plan.month = month_first(plan.month)
        plan._history_user = by
        plan.save()
        return plan

    return create_once(SuccessPlan, submission_key, create)[0]


@transaction.atomic
def success_plan_update(*, plan: SuccessPlan, fields: dict[str, Any], version: int, by: User) -> SuccessPlan:
    fields = dict(fields)
    if fields.get("month"):
        fields["month"] = month_first(fields["month"])
    return _save_if_current(SuccessPlan, plan.pk, fields=fields, allowed=PLAN_FIELDS, version=version, by=by)


def one_to_one_note_add(
    *, plan: SuccessPlan, held_on: date, notes: str, next_steps: str = "", by: User,
    submission_key: uuid.UUID | None = None,
) -> OneToOneNote:
    """Record a one-to-one held on the plan; a resent form adds nothing more."""

    def create() -> OneToOneNote:
        note = OneToOneNote(
            plan=plan, held_on=held_on, notes=notes, next_steps=next_steps, written_by=by, submission_key=submission_key,
        )
        note._history_user = by
        note.save()
        return note

    return create_once(OneToOneNote, submission_key, create)[0]
