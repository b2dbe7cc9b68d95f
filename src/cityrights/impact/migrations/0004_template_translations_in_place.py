"""Content hashes leave translations out; stored template versions get a snapshot hash.

Until now a version's content hash covered every language, so completing a translation
looked like new content. From here on it covers the structure and the English text only
(see ``cityrights.core.datafiles``), and ``snapshot_hash`` covers everything.
"""

from django.db import migrations, models


def rehash(apps, schema_editor):
    from cityrights.core.datafiles import content_hash, snapshot_hash

    for name in ("TemplateVersion", "ProcurementChecklistVersion"):
        for version in apps.get_model("impact", name).objects.all():
            version.content_hash = content_hash(version.data)
            version.snapshot_hash = snapshot_hash(version.data)
            version.save(update_fields=["content_hash", "snapshot_hash"])


def unhash(apps, schema_editor):
    # Before this migration the content hash was the hash of the whole snapshot.
    from cityrights.core.datafiles import snapshot_hash

    for name in ("TemplateVersion", "ProcurementChecklistVersion"):
        for version in apps.get_model("impact", name).objects.all():
            version.content_hash = snapshot_hash(version.data)
            version.save(update_fields=["content_hash"])


class Migration(migrations.Migration):
    dependencies = [("impact", "0003_load_shipped_templates")]

    operations = [
        migrations.AddField(
            model_name="procurementchecklistversion",
            name="snapshot_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="snapshot hash"),
        ),
        migrations.AddField(
            model_name="templateversion",
            name="snapshot_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="snapshot hash"),
        ),
        migrations.RunPython(rehash, unhash),
    ]
