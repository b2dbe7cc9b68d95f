# A procurement's tender name and the reasons given per requirement are written per language:
# residents read them on the register entry. An existing procurement keeps its text in the
# city's first language (what its pages showed); the other languages are left to the city,
# and the procurement page lists them as missing. Going back keeps the first language's text
# (or the first text found).

from django.db import migrations, models


LANGUAGES = ("en", "fr", "nl")


def _first_languages(apps):
    Organisation = apps.get_model("core", "Organisation")
    return {
        pk: code if code in LANGUAGES else LANGUAGES[0]
        for pk, code in Organisation.objects.values_list("pk", "default_language")
    }


def per_language(apps, schema_editor):
    Procurement = apps.get_model("impact", "Procurement")
    first = _first_languages(apps)
    for procurement in Procurement.objects.iterator(chunk_size=500):
        code = first[procurement.organisation_id]
        setattr(procurement, f"tender_{code}", procurement.tender)
        answers = {}
        for key, given in (procurement.answers or {}).items():
            reason = str(given.get("reason") or "").strip()
            answers[key] = {
                "included": given.get("included"),
                "reasons": {code: reason} if reason else {},
            }
        procurement.answers = answers
        procurement.save(update_fields=[f"tender_{code}", "answers"])


def one_language(apps, schema_editor):
    Procurement = apps.get_model("impact", "Procurement")
    first = _first_languages(apps)

    def pick(texts, code):
        for language in (code, *LANGUAGES):
            if (texts.get(language) or "").strip():
                return texts[language]
        return ""

    for procurement in Procurement.objects.iterator(chunk_size=500):
        code = first[procurement.organisation_id]
        names = {language: getattr(procurement, f"tender_{language}") for language in LANGUAGES}
        procurement.tender = pick(names, code)
        procurement.answers = {
            key: {"included": given.get("included"), "reason": pick(given.get("reasons") or {}, code)}
            for key, given in (procurement.answers or {}).items()
        }
        procurement.save(update_fields=["tender", "answers"])


class Migration(migrations.Migration):

    dependencies = [
        ("impact", "0007_public_title_per_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="procurement",
            name="tender_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="tender name"),
        ),
        migrations.AddField(
            model_name="procurement",
            name="tender_fr",
            field=models.CharField(blank=True, max_length=200, verbose_name="tender name"),
        ),
        migrations.AddField(
            model_name="procurement",
            name="tender_nl",
            field=models.CharField(blank=True, max_length=200, verbose_name="tender name"),
        ),
        migrations.AlterField(
            model_name="procurement",
            name="answers",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Per requirement key: {"included": true/false, "reasons": {"en": "…"}}.',
                verbose_name="requirements",
            ),
        ),
        # A default, so that going back can add the column to rows before it is filled.
        migrations.AlterField(
            model_name="procurement",
            name="tender",
            field=models.CharField(default="", max_length=200, verbose_name="tender name"),
        ),
        migrations.RunPython(per_language, one_language, elidable=False),
        migrations.RemoveField(model_name="procurement", name="tender"),
    ]
