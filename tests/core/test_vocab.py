"""The curated DPV vocabulary: well-formed, complete in three languages, and helpful on typos."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from cityrights.core import vocab
from cityrights.core.vocab import UnknownTermError

LOCAL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")


def test_sizes_fit_a_city_not_the_whole_vocabulary() -> None:
    assert 25 <= len(vocab.PURPOSES) <= 40
    assert 40 <= len(vocab.DATA_CATEGORIES) <= 60
    assert {term.kind for term in vocab.PURPOSES} == {"purpose"}
    assert {term.kind for term in vocab.DATA_CATEGORIES} == {"data_category"}
    assert {term.kind for term in vocab.LEGAL_BASES} == {"legal_basis"}


def test_iris_and_curies_are_unique() -> None:
    iris = [term.iri for term in vocab.ALL_TERMS]
    curies = [term.curie for term in vocab.ALL_TERMS]
    assert len(iris) == len(set(iris))
    assert len(curies) == len(set(curies))


@pytest.mark.parametrize("term", vocab.ALL_TERMS, ids=lambda term: term.curie)
def test_each_iri_is_well_formed_and_matches_its_curie(term: vocab.Term) -> None:
    prefix, local = term.curie.split(":", 1)
    parts = urlsplit(term.iri)
    assert parts.scheme == "https"
    assert parts.netloc == "w3id.org"
    assert term.iri == vocab.PREFIXES[prefix] + local
    assert LOCAL_NAME.match(local), local
    assert vocab.compact(term.iri) == term.curie
    # Purposes and legal bases live in the core namespace or the GDPR extension; data in pd.
    if term.kind == "data_category":
        assert prefix == "pd"
    else:
        assert prefix in {"dpv", "eu-gdpr"}


@pytest.mark.parametrize("term", vocab.ALL_TERMS, ids=lambda term: term.curie)
def test_each_term_has_labels_in_every_language_and_an_explanation(term: vocab.Term) -> None:
    for lang in ("en", "fr", "nl"):
        text = term.labels[lang]
        assert text.strip() == text and text, (term.curie, lang)
        assert "<" not in text
    assert term.explanation.endswith(".")
    assert len(term.explanation) < 200
    for lang in ("en", "fr", "nl"):
        explanation = vocab.explanation(term, lang)
        assert explanation.endswith("."), (term.curie, lang)
        assert lang == "en" or explanation != term.explanation, (term.curie, lang)


@pytest.mark.parametrize("kind", vocab.KINDS)
@pytest.mark.parametrize("lang", vocab.LANGUAGES)
def test_labels_tell_terms_apart(kind: str, lang: str) -> None:
    labels = [vocab.label(term, lang).casefold() for term in vocab.terms(kind)]
    assert len(labels) == len(set(labels))


def test_lookup_by_iri_and_by_curie_give_the_same_term() -> None:
    by_curie = vocab.get_term("dpv:ServiceProvision")
    by_iri = vocab.get_term("https://w3id.org/dpv#ServiceProvision")
    assert by_curie is by_iri
    assert by_curie.kind == "purpose"
    assert vocab.get_term("  pd:Location ").iri == "https://w3id.org/dpv/pd#Location"
    assert vocab.get_term("eu-gdpr:A6-1-a").iri == "https://w3id.org/dpv/legal/eu/gdpr#A6-1-a"


def test_lookup_forgives_letter_case_but_returns_the_canonical_term() -> None:
    assert vocab.get_term("DPV:serviceprovision").curie == "dpv:ServiceProvision"


def test_unknown_term_error_suggests_a_close_match() -> None:
    with pytest.raises(UnknownTermError) as caught:
        vocab.get_term("dpv:ServiceProvison")
    assert caught.value.suggestion == "dpv:ServiceProvision"
    assert "Did you mean “dpv:ServiceProvision”?" in str(caught.value)
    assert caught.value.value == "dpv:ServiceProvison"


def test_suggestion_also_works_without_a_prefix() -> None:
    with pytest.raises(UnknownTermError) as caught:
        vocab.get_term("EmailAdress", "data_category")
    assert caught.value.suggestion == "pd:EmailAddress"


def test_unknown_term_without_any_close_match_says_so_plainly() -> None:
    with pytest.raises(UnknownTermError) as caught:
        vocab.get_term("https://example.org/nothing-like-it#Zzz", "legal_basis")
    assert caught.value.suggestion is None
    assert "not a legal basis" in str(caught.value)


def test_a_term_of_the_wrong_kind_is_refused_with_what_it_is() -> None:
    with pytest.raises(UnknownTermError, match="is a legal basis; this field takes a purpose"):
        vocab.get_term("dpv:Consent", "purpose")
    assert vocab.get_term("dpv:Consent", "legal_bases").kind == "legal_basis"


def test_empty_value_is_an_error() -> None:
    with pytest.raises(UnknownTermError, match="Empty value"):
        vocab.get_term("   ")


def test_label_picks_the_language_and_falls_back_to_english() -> None:
    term = vocab.get_term("dpv:ImproveTransportMobility")
    assert vocab.label(term, "nl") == "Verkeer en mobiliteit verbeteren"
    assert vocab.label(term.iri, "fr-BE") == term.labels["fr"]
    assert vocab.label(term, "de") == term.labels["en"]
    assert vocab.label(term, None) == term.labels["en"]


def test_explanation_picks_the_language_and_falls_back_to_english() -> None:
    term = vocab.get_term("pd:Health")
    assert vocab.explanation(term, "nl-BE") == term.explanations["nl"]
    assert vocab.explanation("pd:Health", "fr") == term.explanations["fr"]
    assert vocab.explanation(term, "de") == term.explanation == term.explanations["en"]


def test_the_terms_are_read_from_the_vocabulary_file_in_its_order() -> None:
    data = yaml.safe_load(vocab.VOCABULARY_FILE.read_text(encoding="utf-8"))
    assert [item["id"] for item in data["purposes"]] == [t.curie for t in vocab.PURPOSES]
    assert [item["id"] for item in data["legal_bases"]] == [t.curie for t in vocab.LEGAL_BASES]
    flagged = {item["id"] for item in data["data_categories"] if item.get("special_category")}
    assert flagged == {t.curie for t in vocab.DATA_CATEGORIES if t.special_category}


def test_a_broken_vocabulary_file_names_the_line(tmp_path: Path) -> None:
    content = vocab.VOCABULARY_FILE.read_text(encoding="utf-8")
    duplicated = content.replace("- id: dpv:Contract\n", "- id: dpv:Consent\n", 1)
    path = tmp_path / "dpv.yaml"
    path.write_text(duplicated, encoding="utf-8")
    with pytest.raises(vocab.VocabularyError) as caught:
        vocab.load_terms(path)
    lines = [n for n, text in enumerate(duplicated.splitlines(), 1) if text == "- id: dpv:Consent"]
    assert len(lines) == 2
    expected = f"dpv.yaml:{lines[1]}: legal_bases[1].id: duplicated id 'dpv:Consent'"
    assert expected in str(caught.value)

    contract = "- id: dpv:Contract\n"
    flagged = content.replace(contract, contract + "  special_category: true\n")
    path.write_text(flagged, encoding="utf-8")
    with pytest.raises(vocab.VocabularyError, match=r"legal_bases\[1\]\.special_category: only"):
        vocab.load_terms(path)

    path.write_text(content.replace("    en: Your consent\n", "", 1), encoding="utf-8")
    with pytest.raises(vocab.VocabularyError, match=r"legal_bases\[0\]\.label\.en"):
        vocab.load_terms(path)


def test_choices_are_complete_and_sorted_by_label() -> None:
    pairs = vocab.choices("purposes", "fr")
    assert {iri for iri, _ in pairs} == {term.iri for term in vocab.PURPOSES}
    labels = [text for _, text in pairs]
    assert labels == sorted(labels, key=str.casefold)
    with pytest.raises(ValueError, match="Unknown vocabulary kind"):
        vocab.choices("colours")


def test_only_consent_bases_can_be_toggled() -> None:
    assert vocab.is_consent("dpv:Consent")
    assert vocab.is_consent("https://w3id.org/dpv/legal/eu/gdpr#A6-1-a")
    assert vocab.is_consent("eu-gdpr:A9-2-a")
    assert not vocab.is_consent("dpv:LegalObligation")
    assert not vocab.is_consent("eu-gdpr:A6-1-e")
    with pytest.raises(UnknownTermError):
        vocab.is_consent("dpv:ServiceProvision")


def test_special_categories_are_flagged() -> None:
    assert vocab.is_special_category("pd:HealthRecord")
    assert vocab.is_special_category("pd:FacialPrint")
    assert vocab.is_special_category("pd:PhysicalHealth")
    assert not vocab.is_special_category("pd:Picture")
    criminal = vocab.get_term("pd:Criminal")
    assert criminal.sensitive and not criminal.special_category
    assert not vocab.get_term("pd:Location").sensitive


def test_terms_are_hashable_and_compare_by_identity_of_iri() -> None:
    term = vocab.get_term("pd:Name")
    assert {term, vocab.get_term(term.iri)} == {term}
    assert vocab.is_known("pd:Name", "data_category")
    assert not vocab.is_known("pd:Name", "purpose")
