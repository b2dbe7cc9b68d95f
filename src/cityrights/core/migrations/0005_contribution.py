"""Contributions: who took part in which version of what (``core.duties``).

Append-only like the audit log: the model refuses updates and deletes, and on PostgreSQL a
trigger refuses them even from a database session, so nobody can take a name off the list
of a version before deciding on it. TRUNCATE stays possible for operators restoring a backup.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION core_contribution_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_contribution is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_contribution_no_update_delete
    BEFORE UPDATE OR DELETE ON core_contribution
    FOR EACH ROW EXECUTE FUNCTION core_contribution_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_contribution_no_update_delete ON core_contribution;
DROP FUNCTION IF EXISTS core_contribution_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_organisation_postal_address'),
    ]

    operations = [
        migrations.CreateModel(
            name='Contribution',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject_type', models.CharField(max_length=100, verbose_name='object type')),
                ('subject_id', models.CharField(max_length=64, verbose_name='object id')),
                ('version', models.PositiveIntegerField(verbose_name='version')),
                ('kind', models.CharField(choices=[('created', 'creation'), ('edited', 'editing'), ('submitted', 'submission'), ('answered', 'answers'), ('resolved', 'resolved answers'), ('led', 'project lead')], max_length=20, verbose_name='how')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='first time')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organisation', verbose_name='organisation')),
                ('user', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
            ],
            options={
                'verbose_name': 'contribution',
                'verbose_name_plural': 'contributions',
                'constraints': [models.UniqueConstraint(fields=('subject_type', 'subject_id', 'version', 'user', 'kind'), name='core_contribution_once')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
