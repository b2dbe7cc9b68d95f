"""Content hashes leave translations out; stored versions get a snapshot hash.

Until now a version's content hash covered every language, so completing a translation
looked like new content. From here on it covers the structure and the English text only
(see ``cityrights.core.datafiles``), and ``snapshot_hash`` covers everything. Existing
versions are rehashed; their former hash stays in ``legacy_hash`` so that exports made
before this change can still be imported.
"""

from django.db import migrations, models


def rehash(apps, schema_editor):
    from cityrights.assessment.framework import TRANSLATION_KEYS
    from cityrights.core.datafiles import content_hash, snapshot_hash

    FrameworkVersion = apps.get_model("assessment", "FrameworkVersion")
    for version in FrameworkVersion.objects.all():
        meaning = content_hash(version.data, ignore=TRANSLATION_KEYS)
        if meaning != version.content_hash:
            version.legacy_hash = version.content_hash
            version.content_hash = meaning
        version.snapshot_hash = snapshot_hash(version.data)
        version.save(update_fields=["content_hash", "legacy_hash", "snapshot_hash"])


def unhash(apps, schema_editor):
    # Before this migration the content hash was the hash of the whole snapshot.
    from cityrights.core.datafiles import snapshot_hash

    FrameworkVersion = apps.get_model("assessment", "FrameworkVersion")
    for version in FrameworkVersion.objects.all():
        version.content_hash = snapshot_hash(version.data)
        version.save(update_fields=["content_hash"])


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_load_guide_2022")]

    operations = [
        migrations.AddField(
            model_name="frameworkversion",
            name="legacy_hash",
            field=models.CharField(
                blank=True,
                help_text=(
                    "The hash this version had when content hashes still covered "
                    "translations; exports made then carry it."
                ),
                max_length=64,
                verbose_name="former content hash",
            ),
        ),
        migrations.AddField(
            model_name="frameworkversion",
            name="snapshot_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="snapshot hash"),
        ),
        migrations.RunPython(rehash, unhash),
    ]
