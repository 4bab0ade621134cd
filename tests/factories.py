import factory
import faker
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import user_set_role
from leads.models import Customer
from leads.services import customer_create

PASSWORD = "test-pass-123"

# Faker has only some 28,000 zh_CN full names: 25 of them repeat one in twenty times, and a page of
# customers would then show fewer distinct names than rows. Names are unique within a test
# (tests/conftest.py forgets them after each test).
_names = faker.Faker("zh_CN")


def customer_name() -> str:
    return _names.unique.name()


def forget_customer_names() -> None:
    _names.unique.clear()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        # Unique within a test like customers' (reports and registers tell consultants apart by name).
        full_name = factory.LazyFunction(customer_name)

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = factory.LazyAttribute(lambda user: user.full_name[0])
    first_name = factory.LazyAttribute(lambda user: user.full_name[1:])
    role = User.Role.CONSULTANT
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            user_set_role(user=self, role=self.role)


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer row as stored; use `prospect_create` below when the follow-up task matters."""

    class Meta:
        model = Customer

    name = factory.LazyFunction(customer_name)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    consultant = factory.SubFactory(UserFactory)
    grade = Customer.Grade.B
    graded_on = factory.LazyFunction(timezone.localdate)
    first_contact_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.SelfAttribute("consultant")
    updated_by = factory.SelfAttribute("consultant")


def prospect_create(*, consultant, grade=Customer.Grade.B, first_contact_on=None, **fields) -> Customer:
    """A prospect created as the product creates it: pending card, grade history, first task."""
    fields.setdefault("name", customer_name())
    fields.setdefault("phone", f"138{Customer.objects.count() + 10_000_000:08d}")
    return customer_create(
        fields={"grade": grade, **fields}, consultant=consultant, by=consultant, first_contact_on=first_contact_on
    )
