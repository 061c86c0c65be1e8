from django.conf import settings
from django.db import connection


def test_database_is_postgresql_never_sqlite(db):
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


def test_custom_user_model_is_accounts_user():
    from django.contrib.auth import get_user_model

    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert get_user_model()._meta.label == "accounts.User"


def test_languages_are_kyrgyz_first_then_russian_and_english():
    assert settings.LANGUAGE_CODE == "ky"
    assert [code for code, _name in settings.LANGUAGES] == ["ky", "ru", "en"]


def test_time_zone_is_bishkek_with_aware_datetimes():
    assert settings.TIME_ZONE == "Asia/Bishkek"
    assert settings.USE_TZ is True


def test_password_hashing_prefers_argon2():
    from kstu import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_sessions_end_with_the_browser():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_celery_acknowledges_late_on_redis():
    from kstu.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.broker_url.startswith(("redis://", "rediss://", "redis+socket://"))
    assert "heartbeat" in app.conf.beat_schedule
