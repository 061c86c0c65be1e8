"""Helpers for data with names in Kyrgyz, Russian and English."""

from django.utils import translation


def localized(obj, field: str) -> str:
    """Return ``obj.<field>_<lang>`` for the active language, falling back ky → ru → en."""
    lang = (translation.get_language() or "ky").split("-")[0]
    for code in (lang, "ky", "ru", "en"):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""
