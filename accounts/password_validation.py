"""The password policy (IS §5.1, REQUIREMENTS A9) as Django password validators.

Composition is the regulation's rule and is kept: at least 8 characters with a digit, a
lowercase letter, an uppercase letter and a special character (the regulation lists
``" ! & # $ % * -`` "and the like"). This deviates from current guidance — NIST SP 800-63B
§3.1.1.2 and OWASP ASVS 5 V6.2.5 advise *against* composition rules, because they push people
to predictable patterns (``Password1!``). The guidance's own measures are applied on top:

* a blocklist: Django's ``CommonPasswordValidator`` (about 20 000 breached passwords) and
  ``ContextWordsValidator`` below (the university's and the service's names, and the person's
  login, names and e-mail parts);
* ``UserAttributeSimilarityValidator`` against the person's login, names and e-mail addresses;
* long passphrases are accepted — there is no maximum length below 64 (no maximum at all here;
  Argon2 hashes any length) and spaces count as ordinary characters;
* paste is allowed (no form blocks it) and there is no periodic expiry: a password is changed
  only when it is the initial one (3 working days, A9) or after a compromise report (A12).

Rules of ``RepeatedCharactersValidator`` (the regulation: "do not use the same characters"):

1. no character may appear more than ``max_repeat`` (3) times in a row: ``aaaa1111``,
   ``Qwerty1!!!!`` are refused, ``Bookkeeper1!`` is fine;
2. the password may not be one block written several times: ``Ab1!Ab1!``, ``Xy7#Xy7#Xy7#``;
3. the password may not consist only of runs of 3 identical characters: ``aaaBBB111###``.

``PasswordHistoryValidator`` refuses any of the user's last ``remember`` (10) passwords — the
current one included — and, through Django's ``password_changed`` hook, keeps the history.
A password stored without that hook (``create_user`` writes the hash directly) is added to the
history by ``accounts.services.passwords`` when it is replaced (``password_history_keep``).
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SPECIAL_EXAMPLES = '" ! # $ % & * -'


def _is_special(char: str) -> bool:
    """Any printable character that is neither a letter, a digit nor a space."""
    return char.isprintable() and not char.isalnum() and not char.isspace()


def _is_lower(char: str) -> bool:
    # Cased letters of any script: Kyrgyz and Russian Cyrillic count (ө, ү, ң, ж …).
    return char.islower()


def _is_upper(char: str) -> bool:
    return char.isupper()


def _is_digit(char: str) -> bool:
    return unicodedata.category(char) == "Nd"


class CompositionValidator:
    """Length and character classes (IS §5.1); names *every* missing part in one message."""

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def _missing(self, password: str) -> list[str]:
        missing = []
        if len(password) < self.min_length:
            missing.append(
                ngettext(
                    "at least %(min_length)d character",
                    "at least %(min_length)d characters",
                    self.min_length,
                )
                % {"min_length": self.min_length}
            )
        if not any(_is_digit(c) for c in password):
            missing.append(_("a digit"))
        if not any(_is_lower(c) for c in password):
            missing.append(_("a lowercase letter"))
        if not any(_is_upper(c) for c in password):
            missing.append(_("an uppercase letter"))
        if not any(_is_special(c) for c in password):
            missing.append(
                _("a special character (such as %(examples)s)") % {"examples": SPECIAL_EXAMPLES}
            )
        return missing

    def validate(self, password: str, user=None) -> None:
        missing = self._missing(password)
        if missing:
            raise ValidationError(
                _("The password needs: %(missing)s.") % {"missing": ", ".join(missing)},
                code="password_composition",
            )

    def get_help_text(self) -> str:
        return ngettext(
            "At least %(min_length)d character, with a digit, a lowercase and an uppercase "
            "letter and a special character (such as %(examples)s).",
            "At least %(min_length)d characters, with a digit, a lowercase and an uppercase "
            "letter and a special character (such as %(examples)s).",
            self.min_length,
        ) % {"min_length": self.min_length, "examples": SPECIAL_EXAMPLES}


class RepeatedCharactersValidator:
    """Refuse passwords made of repeated characters (rules in the module docstring)."""

    def __init__(self, max_repeat: int = 3):
        self.max_repeat = max_repeat
        self._run = re.compile(rf"(.)\1{{{max_repeat},}}", re.DOTALL)

    @staticmethod
    def _is_one_block_repeated(password: str) -> bool:
        # A string is a repetition of a shorter block iff it occurs inside itself doubled,
        # with the first and last characters dropped.
        return len(password) > 1 and password in (password + password)[1:-1]

    @staticmethod
    def _only_runs_of_three(password: str) -> bool:
        runs = [m.group(0) for m in re.finditer(r"(.)\1*", password, re.DOTALL)]
        return bool(runs) and all(len(run) >= 3 for run in runs)

    def validate(self, password: str, user=None) -> None:
        if self._run.search(password):
            raise ValidationError(
                _("The password repeats one character more than %(max_repeat)d times in a row.")
                % {"max_repeat": self.max_repeat},
                code="password_repeated_run",
            )
        if self._is_one_block_repeated(password) or self._only_runs_of_three(password):
            raise ValidationError(
                _("The password is made of repeated characters or of one repeated group."),
                code="password_repeated_block",
            )

    def get_help_text(self) -> str:
        return _(
            "Not made of repeated characters: no character more than %(max_repeat)d times in a "
            "row, and not one group written several times."
        ) % {"max_repeat": self.max_repeat}


class ContextWordsValidator:
    """Refuse passwords built on context words (NIST SP 800-63B §3.1.1.2: "context-specific
    words, such as the name of the service, the username, and derivatives thereof").

    Two lists: the university's and the system's names and the word "password" (``words``),
    and the person's own login, names and the parts of their e-mail addresses of
    ``min_part_length`` (4) or more characters. Django's ``UserAttributeSimilarityValidator``
    compares whole strings and lets ``Bakyt.sky1!`` through for ``bakyt.sky@gmail.com``.

    "Built on" means: once the context words, digits, spaces and special characters are taken
    out, fewer than ``min_other_letters`` (4) letters remain — ``Kstu#2025!``, ``Asanov1990!``
    and ``Password-7`` are refused, while a passphrase that merely mentions a name keeps the
    letters of its other words and is accepted.
    """

    DEFAULT_WORDS = (
        "kstu",
        "kgtu",
        "кгту",
        "кмту",
        "razzakov",
        "раззаков",
        "password",
        "пароль",
        "сырсөз",
    )
    USER_ATTRIBUTES = ("username", "first_name", "last_name", "patronymic")
    EMAIL_ATTRIBUTES = ("email", "personal_email")

    def __init__(
        self,
        words: list[str] | tuple[str, ...] | None = None,
        min_part_length: int = 4,
        min_other_letters: int = 4,
    ):
        self.words = tuple(w.casefold() for w in (words or self.DEFAULT_WORDS))
        self.min_part_length = min_part_length
        self.min_other_letters = min_other_letters

    def _personal_words(self, user) -> set[str]:
        values = [str(getattr(user, name, "") or "") for name in self.USER_ATTRIBUTES]
        for name in self.EMAIL_ATTRIBUTES:
            address = str(getattr(user, name, "") or "")
            values.append(address.partition("@")[0])
        words = set()
        for value in values:
            for part in re.split(r"[\W_]+", value.casefold()):
                if len(part) >= self.min_part_length:
                    words.add(part)
        return words

    def _built_on(self, folded: str, words) -> bool:
        found = [word for word in words if word in folded]
        if not found:
            return False
        for word in sorted(found, key=len, reverse=True):
            folded = folded.replace(word, "")
        return sum(char.isalpha() for char in folded) < self.min_other_letters

    def validate(self, password: str, user=None) -> None:
        folded = password.casefold()
        if self._built_on(folded, self.words):
            raise ValidationError(
                _(
                    "The password is built on the name of the university, of the system or the "
                    "word “password”: choose something others cannot guess."
                ),
                code="password_context_word",
            )
        if user is not None and self._built_on(folded, self._personal_words(user)):
            raise ValidationError(
                _("The password is built on your login, your name or your e-mail."),
                code="password_personal_word",
            )

    def get_help_text(self) -> str:
        return _(
            "Not built on the university's or the system's name, your login, your name or your "
            "e-mail."
        )


class PasswordHistoryValidator:
    """Not one of the user's last ``remember`` passwords (IS §5.1: "do not use passwords
    created before").

    ``password_changed`` (called by Django after a new password is saved) appends the new
    hash to ``accounts.PasswordHistory`` and drops entries beyond ``remember``; so the history
    holds the current password and the ones before it.
    """

    def __init__(self, remember: int = 10):
        self.remember = remember

    def _recent_hashes(self, user) -> list[str]:
        from accounts.models import PasswordHistory

        return list(
            PasswordHistory.objects.filter(user_id=user.pk)
            .order_by("-created_at", "-id")
            .values_list("password", flat=True)[: self.remember]
        )

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        from django.contrib.auth.hashers import check_password

        from accounts.models import User

        # The stored password, not the in-memory one: a form may already have set the new one.
        current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        candidates = [current, *self._recent_hashes(user)] if current else self._recent_hashes(user)
        seen: set[str] = set()
        for encoded in candidates:
            if not encoded or encoded in seen:
                continue
            seen.add(encoded)
            if check_password(password, encoded):
                raise ValidationError(
                    ngettext(
                        "This password was used before: choose one that is not your last password.",
                        "This password was used before: choose one that is none of your last "
                        "%(remember)d passwords.",
                        self.remember,
                    )
                    % {"remember": self.remember},
                    code="password_reused",
                )

    def password_changed(self, password: str, user=None) -> None:
        if user is None or user.pk is None or not user.has_usable_password():
            return
        from accounts.models import PasswordHistory

        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
        stale = list(
            PasswordHistory.objects.filter(user_id=user.pk)
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)[self.remember :]
        )
        if stale:
            PasswordHistory.objects.filter(pk__in=stale).delete()

    def get_help_text(self) -> str:
        return ngettext(
            "Not your previous password.",
            "None of your last %(remember)d passwords.",
            self.remember,
        ) % {"remember": self.remember}


def password_history_keep(user, encoded: str | None) -> None:
    """Add ``encoded`` (a password hash of ``user``) to the history unless it is there already.

    Called with the *outgoing* hash before a new password is saved, so a password that never
    went through ``password_changed`` (one written by ``create_user``) is remembered too.
    """
    from django.contrib.auth.hashers import is_password_usable

    from accounts.models import PasswordHistory

    if not encoded or not is_password_usable(encoded) or user.pk is None:
        return
    if not PasswordHistory.objects.filter(user_id=user.pk, password=encoded).exists():
        PasswordHistory.objects.create(user_id=user.pk, password=encoded)
