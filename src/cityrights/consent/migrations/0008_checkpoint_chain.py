"""Chain the ledger's checkpoints: each new one signs the hash of the one before.

The sequencer's tree row records the latest checkpoint (size and note hash), so
that the next checkpoint links to it and verify-ledger notices a deleted latest
one. Existing checkpoints stay as they were signed (without a prev line); the
row starts at the latest of them.
"""

import hashlib

from django.db import migrations, models


def record_latest_checkpoint(apps, schema_editor):
    Checkpoint = apps.get_model("consent", "Checkpoint")
    LedgerTree = apps.get_model("consent", "LedgerTree")
    latest = Checkpoint.objects.order_by("-size").first()
    if latest is None:
        return
    LedgerTree.objects.filter(pk=1).update(
        checkpoint_size=latest.size,
        checkpoint_hash=hashlib.sha256(latest.note.encode("utf-8")).hexdigest(),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('consent', '0007_tree_position_index_without_nulls'),
    ]

    operations = [
        migrations.AddField(
            model_name='checkpoint',
            name='prev_hash',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='ledgertree',
            name='checkpoint_hash',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='ledgertree',
            name='checkpoint_size',
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(record_latest_checkpoint, migrations.RunPython.noop),
    ]
