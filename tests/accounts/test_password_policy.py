"""The password policy (IS §5.1, A9) as configured in AUTH_PASSWORD_VALIDATORS."""

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import PasswordHistory
from accounts.password_validation import (
    CompositionValidator,
    PasswordHistoryValidator,
    RepeatedCharactersValidator,
)

pytestmark = pytest.mark.django_db

GOOD = "Tay-Kazan7!river"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _errors(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _joined(password, user=None) -> str:
    return " ".join(_errors(password, user))


@pytest.fixture
def employee(make_user):
    return make_user(
        "asanov.b",
        first_name="Bakyt",
        last_name="Asanov",
        patronymic="Ermekovich",
        email="asanov.b@kstu.kg",
        personal_email="bakyt.sky@gmail.com",
    )


def test_a_password_with_every_required_class_is_accepted(employee):
    assert _errors(GOOD, employee) == []


def test_a_password_without_a_digit_is_refused_naming_the_digit():
    message = _joined("Tay-Kazan-river")
    assert "The password needs: a digit." in message


def test_a_password_without_an_uppercase_letter_is_refused_naming_it():
    assert "The password needs: an uppercase letter." in _joined("tay-kazan7!river")


def test_a_password_without_a_lowercase_letter_is_refused_naming_it():
    assert "The password needs: a lowercase letter." in _joined("TAY-KAZAN7!RIVER")


def test_a_password_without_a_special_character_is_refused_naming_it():
    message = _joined("TayKazan7river")
    assert "The password needs: a special character (such as" in message


def test_a_password_shorter_than_eight_characters_is_refused_naming_the_length():
    assert "The password needs: at least 8 characters." in _joined("Ty-7!ab")


def test_every_missing_part_is_named_in_one_message():
    message = CompositionValidator()
    with pytest.raises(ValidationError) as exc:
        message.validate("abc")
    (text,) = exc.value.messages
    assert text.startswith("The password needs: at least 8 characters, a digit, ")
    assert "an uppercase letter" in text
    assert "a special character" in text
    assert "a lowercase letter" not in text


def test_the_regulations_special_characters_all_count(employee):
    for special in '"!&#$%*-':
        assert _errors(f"Tay{special}Kazan7river", employee) == [], special


def test_a_space_alone_is_not_a_special_character():
    assert "a special character" in _joined("Tay Kazan7 river")


def test_kyrgyz_cyrillic_letters_count_as_lower_and_upper_case(employee):
    assert _errors("Өрүк-Гүл7!тоо", employee) == []


def test_a_character_repeated_four_times_in_a_row_is_refused():
    validator = RepeatedCharactersValidator()
    for password in ("aaaa1111", "aaaaAAAA!!!!", "Qwerty1!!!!x"):
        with pytest.raises(ValidationError):
            validator.validate(password)
    assert "more than 3 times in a row" in _joined("Kazan7!!!!river")


def test_a_password_made_of_one_repeated_group_is_refused():
    assert "one repeated group" in _joined("Ab1!Ab1!")
    assert "one repeated group" in _joined("Xy7#Xy7#Xy7#")


def test_a_password_made_only_of_runs_of_three_is_refused():
    assert "one repeated group" in _joined("aaaBBB111###")


def test_three_identical_characters_in_a_row_are_allowed(employee):
    assert _errors("Zzz-Sleep9bookkeeper", employee) == []


def test_a_common_password_is_refused():
    assert "This password is too common." in _joined("P@ssw0rd")


def test_a_password_similar_to_the_login_is_refused(employee):
    assert "too similar" in _joined("Asanov.b1!", employee)


def test_a_password_built_on_a_part_of_the_personal_email_is_refused(employee):
    assert "your login, your name or your e-mail" in _joined("Bakyt.sky1!", employee)


def test_a_password_built_on_the_surname_is_refused(employee):
    assert "your login, your name" in _joined("Asanov1990!", employee)
    assert _errors("Mountain-Asanov7", employee) == []


def test_a_password_built_on_the_university_name_is_refused():
    assert "name of the university" in _joined("Kstu#2025!")
    assert "name of the university" in _joined("Password-7X")


def test_a_passphrase_that_mentions_the_university_is_accepted(employee):
    assert _errors("Kstu-Bishkek7! mountains", employee) == []


def test_a_previous_password_is_refused_after_two_changes(employee):
    first, second, third = "Tokmok-Road5!", "Jalal-Abad9!x", "Naryn#River42"
    employee.set_password(first)
    employee.save()
    for password in (second, third):
        assert _errors(password, employee) == []
        employee.set_password(password)
        employee.save()
    assert "used before" in _joined(first, employee)
    assert "used before" in _joined(second, employee)
    assert "used before" in _joined(third, employee)  # the current one
    assert _errors("Talas-Valley8?", employee) == []


def test_the_history_keeps_the_last_ten_passwords_only(employee):
    passwords = [f"Issyk-Kul{n}!lake" for n in range(11)]
    for password in passwords:
        employee.set_password(password)
        employee.save()
    assert PasswordHistory.objects.filter(user=employee).count() == 10
    validator = PasswordHistoryValidator(remember=10)
    validator.validate("Str0ng#Pass", employee)  # the 12th-last one may be used again
    with pytest.raises(ValidationError):
        validator.validate(passwords[1], employee)


def test_a_long_passphrase_with_the_required_classes_is_accepted(employee):
    passphrase = "When 2 apricots fall in Osh, the Ala-Too mountains hum a quiet song!"
    assert len(passphrase) >= 64
    assert _errors(passphrase, employee) == []
    longer = passphrase + " And 7 more rivers run north to Chui valley; nobody knows why. " * 2
    assert len(longer) > 128
    assert _errors(longer, employee) == []


def test_help_texts_describe_length_classes_repetition_and_history():
    text = " ".join(password_validators_help_texts())
    assert "At least 8 characters, with a digit" in text
    assert "Not made of repeated characters" in text
    assert "your login, your name or your e-mail" in text
    assert "None of your last 10 passwords." in text
