"""Indexes for the public catalogue's order: one per order of the interface languages.

See ``register.models.name_order_indexes``: the catalogue sorts by a COALESCE of the name
columns in the reader's fallback order, and PostgreSQL uses these (partial, public rows
only) to read a page in that order instead of sorting every entry of the city.
"""

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0006_algorithm_facts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                models.F("organisation"),
                django.db.models.functions.comparison.Coalesce(
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_en"), models.Value("")
                    ),
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_fr"), models.Value("")
                    ),
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_nl"), models.Value("")
                    ),
                    models.Value(""),
                ),
                models.F("id"),
                condition=models.Q(
                    ("revision_of__isnull", True), ("state__in", ("published", "retired"))
                ),
                name="register_entry_name_enfrnl",
            ),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                models.F("organisation"),
                django.db.models.functions.comparison.Coalesce(
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_en"), models.Value("")
                    ),
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_nl"), models.Value("")
                    ),
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_fr"), models.Value("")
                    ),
                    models.Value(""),
                ),
                models.F("id"),
                condition=models.Q(
                    ("revision_of__isnull", True), ("state__in", ("published", "retired"))
                ),
                name="register_entry_name_ennlfr",
            ),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                models.F("organisation"),
                django.db.models.functions.comparison.Coalesce(
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_fr"), models.Value("")
                    ),
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_en"), models.Value("")
                    ),
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_nl"), models.Value("")
                    ),
                    models.Value(""),
                ),
                models.F("id"),
                condition=models.Q(
                    ("revision_of__isnull", True), ("state__in", ("published", "retired"))
                ),
                name="register_entry_name_frennl",
            ),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                models.F("organisation"),
                django.db.models.functions.comparison.Coalesce(
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_fr"), models.Value("")
                    ),
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_nl"), models.Value("")
                    ),
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_en"), models.Value("")
                    ),
                    models.Value(""),
                ),
                models.F("id"),
                condition=models.Q(
                    ("revision_of__isnull", True), ("state__in", ("published", "retired"))
                ),
                name="register_entry_name_frnlen",
            ),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                models.F("organisation"),
                django.db.models.functions.comparison.Coalesce(
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_nl"), models.Value("")
                    ),
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_en"), models.Value("")
                    ),
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_fr"), models.Value("")
                    ),
                    models.Value(""),
                ),
                models.F("id"),
                condition=models.Q(
                    ("revision_of__isnull", True), ("state__in", ("published", "retired"))
                ),
                name="register_entry_name_nlenfr",
            ),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                models.F("organisation"),
                django.db.models.functions.comparison.Coalesce(
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_nl"), models.Value("")
                    ),
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_fr"), models.Value("")
                    ),
                    django.db.models.functions.comparison.NullIf(
                        models.F("name_en"), models.Value("")
                    ),
                    models.Value(""),
                ),
                models.F("id"),
                condition=models.Q(
                    ("revision_of__isnull", True), ("state__in", ("published", "retired"))
                ),
                name="register_entry_name_nlfren",
            ),
        ),
    ]
