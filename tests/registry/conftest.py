"""Personas of the register's tests and helpers to look the seeded systems up."""

import pytest

from accounts import roles
from registry.models import InformationSystem


@pytest.fixture
def it_officer(make_user):
    """Азамат of the IT department (СИТБ): maintains the register in the admin site."""
    return make_user("it_azamat", roles=[roles.IT_DEPARTMENT], is_staff=True, first_name="Азамат")


@pytest.fixture
def responsible_ky(make_user):
    """Айгүл, IS-responsible person, reads mail in Kyrgyz."""
    return make_user(
        "resp_aigul",
        roles=[roles.IS_RESPONSIBLE],
        first_name="Айгүл",
        last_name="Асанова",
        work_phone="+996 312 54 11 01",
        preferred_language="ky",
    )


@pytest.fixture
def responsible_en(make_user):
    """Bakyt, IS-responsible person, reads mail in English."""
    return make_user(
        "resp_bakyt",
        roles=[roles.IS_RESPONSIBLE],
        first_name="Bakyt",
        last_name="Bekov",
        work_phone="+996 312 54 11 02",
        preferred_language="en",
    )


@pytest.fixture
def employee(make_user):
    """An ordinary employee: reads the register, manages nothing."""
    return make_user("emp_nurlan", first_name="Нурлан")


@pytest.fixture
def system():
    def _get(code: str) -> InformationSystem:
        return InformationSystem.objects.get(code=code)

    return _get
