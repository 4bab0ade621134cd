"""Who may open which page and do which action: one named predicate each, the only place that decides.

Views guard themselves with `@allowed(predicate)` (a user the predicate refuses gets 404, never 403:
see docs/domain.md, "Visibility"), the menu (`crm_project.navigation`) shows an entry only when its
page's predicate allows it, and templates read the flags of `flags_for(user)` as `may.<name>`.
Which *records* a permitted user sees is `accounts.visibility`'s business, not this module's.
"""

from functools import wraps
from typing import Callable

from django.http import Http404

from accounts.models import User

Predicate = Callable[[User], bool]


def _role_in(*roles: str) -> Predicate:
    def predicate(user: User) -> bool:
        return bool(user.is_authenticated and user.is_active and user.role in roles)

    predicate.__qualname__ = predicate.__name__ = "role in " + ", ".join(roles)
    return predicate


def is_signed_in(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


R = User.Role
is_reception = _role_in(R.RECEPTION)
is_consultant = _role_in(R.CONSULTANT)
is_manager = _role_in(R.SHOWROOM_MANAGER, R.SALES_MANAGER, R.ADMINISTRATOR)
is_sales_staff = _role_in(R.CONSULTANT, R.SHOWROOM_MANAGER, R.SALES_MANAGER, R.ADMINISTRATOR)
is_floor_staff = _role_in(R.RECEPTION, R.CONSULTANT, R.SHOWROOM_MANAGER, R.SALES_MANAGER, R.ADMINISTRATOR)
is_head_of_sales = _role_in(R.SALES_MANAGER, R.ADMINISTRATOR)
is_administrator = _role_in(R.ADMINISTRATOR)

# --- Registers -----------------------------------------------------------------------------------
may_open_registers = is_floor_staff
may_read_duty_roster = is_floor_staff
may_add_party = _role_in(R.RECEPTION, R.SHOWROOM_MANAGER, R.SALES_MANAGER, R.ADMINISTRATOR)
may_set_duty = is_manager
may_correct_register_rows = is_manager  # arrival, party size and consultant of reception's part
may_read_every_register_row = is_reception  # who writes the rows reads them all; others per visibility

# --- Customers -----------------------------------------------------------------------------------
may_work_customers = is_sales_staff  # lists, cards, new card, contacts, orders, deliveries, owners
# Who can be a customer's consultant: the consultants, and the managers who keep key customers or take
# a leaver's customers over before handing them on (docs/domain.md, "Order, delivery, defeat, handover").
HOLDER_ROLES = (R.CONSULTANT, R.SHOWROOM_MANAGER, R.SALES_MANAGER)
may_hold_customers = _role_in(*HOLDER_ROLES)
works_for_self = is_consultant  # their forms have no consultant picker: a blank consultant is themselves
may_file_defeat = may_hold_customers  # … for a customer they hold: `may_file_defeat_for`
may_sign_cards = is_manager
may_decide_defeats = is_manager  # … but not one they filed: `may_decide_defeat`
may_hand_over = is_manager
may_open_staff = is_manager  # the staff list (the people one sees, what each holds); each book is `may_hand_over`
may_deactivate_users = is_manager
may_import_customers = is_sales_staff
may_filter_by_consultant = is_manager



def may_file_defeat_for(user: User, customer) -> bool:
    """The customer's own consultant (a manager holding the customer included) files its defeat."""
    return may_file_defeat(user) and customer.consultant_id == user.pk and customer.may_file_defeat


def may_decide_defeat(user: User, defeat) -> bool:
    """A manager decides a defeat request, never one they filed: a manager's own goes to another manager,
    usually the sales manager (`leads.selectors.defeats_to_decide` is the same rule as a query)."""
    return may_decide_defeats(user) and defeat.filed_by_id != user.pk


# --- Follow-ups ----------------------------------------------------------------------------------
may_open_today = is_sales_staff
may_run_morning_meeting = is_manager
may_read_h_list = is_sales_staff
may_annotate_h_list = is_manager  # the manager's note on an entry
# Putting customers on a week's H-grade list: a consultant their own (proposed in the weekly meeting), a
# manager those of the consultants they see (accounts.visibility decides which customers).
may_commit_h_list = is_sales_staff
may_edit_rules = is_head_of_sales
may_edit_care_plan = is_head_of_sales


def may_change_h_list_entry(user: User, entry) -> bool:
    """Move the expected day of an entry or take it off: a manager any entry they see; a consultant the
    ones they put on themselves (what the manager committed with them stays unless the manager changes it)."""
    return may_commit_h_list(user) and (is_manager(user) or entry.added_by_id == user.pk)


# --- Reports -------------------------------------------------------------------------------------
may_read_reports = is_sales_staff
may_pick_consultant_in_reports = is_manager
may_export_reports = is_manager  # report files (.xlsx), each one recorded; consultants print
may_read_export_log = is_head_of_sales
may_set_targets = is_head_of_sales
# The weekly management loop (docs/domain.md, "Reports"): the meeting's improvement actions, and each
# consultant's personal success plan, which the consultant reads and their manager writes.
may_plan_improvements = is_manager
may_read_success_plans = is_sales_staff  # … their own plans only, for a consultant (accounts.visibility)
may_edit_success_plans = is_manager

# --- Administration ------------------------------------------------------------------------------
# The code lists (car models, colours, source channels, defeat reasons) on their own pages.
may_edit_code_lists = is_head_of_sales


def may_use_admin(user: User) -> bool:
    # A superuser made with `createsuperuser` keeps the admin whatever its role.
    return is_administrator(user) or bool(user.is_active and user.is_superuser)


def allowed(predicate: Predicate):
    """View decorator: 404 unless `predicate(request.user)`; the predicate is kept on the view
    (`view.permission`) so that a test can walk every URL of the project against it."""

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not predicate(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        guarded.permission = predicate
        return guarded

    return decorate


def require(allowed_: bool) -> None:
    """For the rare check that needs more than the user (a POST on a page anyone may read)."""
    if not allowed_:
        raise Http404


# The flags templates read as `may.<name>` (crm_project.context_processors adds them).
TEMPLATE_FLAGS: dict[str, Predicate] = {
    "work_customers": may_work_customers,
    "sign_cards": may_sign_cards,
    "hand_over": may_hand_over,
    "annotate_h_list": may_annotate_h_list,
    "commit_h_list": may_commit_h_list,
    "pick_consultant": may_pick_consultant_in_reports,
    "export_reports": may_export_reports,
    "set_targets": may_set_targets,
    "plan_improvements": may_plan_improvements,
    "edit_success_plans": may_edit_success_plans,
    "see_consultants": is_manager,  # lists of several consultants' work name the consultant
    "see_teams": is_head_of_sales,  # … and, across teams, the team
}


class Flags:
    """Lazy `may.<name>` for templates: each predicate runs only if the template asks."""

    def __init__(self, user: User):
        self._user = user

    def __getattr__(self, name: str) -> bool:
        try:
            return TEMPLATE_FLAGS[name](self._user)
        except KeyError:
            raise AttributeError(name)


def flags_for(user: User) -> Flags:
    return Flags(user)


# --- Users and their privileges --------------------------------------------------------------------
# Which users one may deactivate is a question of records: `accounts.visibility.users_deactivatable_by`.
def may_change_user_roles(user: User) -> bool:
    """Change a user's role or team (through `staff.services.user_change_role`): whoever runs the admin."""
    return may_use_admin(user)


def may_grant_admin_privileges(user: User) -> bool:
    """Edit `is_superuser`, `is_staff`, groups and permissions, or a superuser's account: a superuser only.

    The administrator role is not a superuser: it may not raise itself (or anyone) to one.
    """
    return bool(user.is_authenticated and user.is_active and user.is_superuser)
