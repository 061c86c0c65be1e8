"""DEPENDS ON THE TRANSLATION CATALOGUE (locale/ky, locale/ru).

Every test in this module checks that a password-policy message reaches the user in Kyrgyz
and Russian: the message under ``translation.override`` must differ from the English text and
be written in Cyrillic. They fail until the msgids of ``accounts.password_validation`` and
``accounts.middleware_password`` are translated in ``locale/``.
"""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.password_validation import (
    CompositionValidator,
    ContextWordsValidator,
    PasswordHistoryValidator,
    RepeatedCharactersValidator,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["ky", "ru"]


def _message(language: str, check) -> str:
    with translation.override(language):
        with pytest.raises(ValidationError) as exc:
            check()
        return " ".join(exc.value.messages)


def _assert_translated(language: str, check) -> None:
    english = _message("en", check)
    translated = _message(language, check)
    assert translated != english
    assert any("\u0400" <= char <= "\u04ff" for char in translated), translated


@pytest.mark.parametrize("language", LANGUAGES)
def test_missing_parts_message_is_translated(language):
    _assert_translated(language, lambda: CompositionValidator().validate("abc"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_missing_part_is_translated(language):
    for password in ("Tay-Kazan-river", "tay-kazan7!river", "TAY-KAZAN7!RIVER", "TayKazan7river"):
        english = _message("en", lambda p=password: CompositionValidator().validate(p))
        translated = _message(language, lambda p=password: CompositionValidator().validate(p))
        # The frame and the named part are both translated: no English word is left.
        missing_part = english.split(": ", 1)[1].split(" (")[0].rstrip(".")
        assert missing_part not in translated, (password, translated)


@pytest.mark.parametrize("language", LANGUAGES)
def test_repeated_characters_messages_are_translated(language):
    _assert_translated(language, lambda: RepeatedCharactersValidator().validate("aaaa1111"))
    _assert_translated(language, lambda: RepeatedCharactersValidator().validate("Ab1!Ab1!"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_context_word_messages_are_translated(language, make_user):
    user = make_user("asanov.b", last_name="Asanov")
    _assert_translated(language, lambda: ContextWordsValidator().validate("Kstu-2024!x"))
    _assert_translated(language, lambda: ContextWordsValidator().validate("Asanov-77!x", user))


@pytest.mark.parametrize("language", LANGUAGES)
def test_password_reuse_message_is_translated(language, make_user):
    user = make_user("u1")
    user.set_password("Naryn#River42")
    user.save()
    _assert_translated(language, lambda: PasswordHistoryValidator().validate("Naryn#River42", user))


@pytest.mark.parametrize("language", LANGUAGES)
def test_common_password_message_is_translated(language):
    _assert_translated(language, lambda: validate_password("P@ssw0rd"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_expired_first_password_page_is_translated(language, client, make_user):
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    user = make_user(
        "new.user",
        must_change_password=True,
        password_change_deadline=timezone.now() - dt.timedelta(minutes=1),
    )
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/").content.decode()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    translated = client.get("/").content.decode()
    assert "Your initial password has expired" in english
    assert "Your initial password has expired" not in translated


@pytest.mark.parametrize("language", LANGUAGES)
def test_reset_email_is_written_in_the_owners_language(
    language, client, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    make_user("english.speaker", preferred_language="en")
    make_user("other.speaker", preferred_language=language)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"login": "english.speaker"})
        client.post(reverse("accounts:password_reset"), {"login": "other.speaker"})
    english, translated = mailoutbox
    assert english.subject == "KSTU IS: set a new password"
    assert translated.subject != english.subject
    assert any("\u0400" <= char <= "\u04ff" for char in translated.body)
