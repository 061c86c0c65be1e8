"""Make the audit tables append-only with PostgreSQL triggers (see audit.triggers)."""

from django.db import migrations


def install(apps, schema_editor):
    from audit.triggers import install_triggers

    install_triggers(schema_editor, apps=apps)


def uninstall(apps, schema_editor):
    from audit.triggers import DROP_FUNCTION_SQL

    schema_editor.execute(DROP_FUNCTION_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("kstu", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
