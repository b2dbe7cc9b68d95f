"""The feed's order (newest publication first, then the newest id) as one index.

The index on ``published_at`` alone could not give the feed its order with the tie-break,
so PostgreSQL joined and sorted every version of the city for fifty items.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0007_catalogue_name_order_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="entryversion",
            name="register_version_published",
        ),
        migrations.AddIndex(
            model_name="entryversion",
            index=models.Index(fields=["-published_at", "-id"], name="register_version_pub_id"),
        ),
    ]
