"""Validating our DCAT-AP catalogues with pyshacl against the official DCAT-AP 3.0.0 shapes.

The shapes are the unchanged SEMIC files in ``../shared/standards/dcat-ap-3.0.0/`` (beside
the project; a worktree finds them in a parent folder). They are parsed once per test
session; each catalogue is validated once, without inference (the shapes check the classes
the graph states, see ``core.dcat``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rdflib

ROOT = Path(__file__).resolve().parent.parent
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def standards_folder() -> Path:
    """``shared/standards/dcat-ap-3.0.0`` beside the project or one of its parents."""
    for parent in (ROOT, *ROOT.parents):
        folder = parent / "shared" / "standards" / "dcat-ap-3.0.0"
        if folder.is_dir():
            return folder
    raise FileNotFoundError(
        f"The official DCAT-AP 3.0.0 shapes are missing: no shared/standards/dcat-ap-3.0.0 "
        f"beside {ROOT} or its parents."
    )


@functools.cache
def shapes(*names: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in names:
        graph.parse(standards_folder() / name, format="turtle")
    return graph


@dataclass(frozen=True)
class Finding:
    severity: str
    focus: str
    path: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.focus} {self.path} {self.value}: {self.message}"


@dataclass(frozen=True)
class Report:
    violations: list[Finding]
    warnings: list[Finding]


def _findings(results: Any) -> list[Finding]:
    """The report's own results (not the ``sh:detail`` of a nested shape, which carries the
    default severity even where the outer property asks only for a warning)."""
    found = []
    report = next(results.subjects(rdflib.RDF.type, SH.ValidationReport))
    for result in results.objects(report, SH.result):
        severity = str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        found.append(
            Finding(
                severity,
                str(results.value(result, SH.focusNode)),
                str(results.value(result, SH.resultPath)),
                str(results.value(result, SH.value)),
                str(results.value(result, SH.resultMessage)),
            )
        )
    return sorted(found, key=str)


#: Recommended properties of resources that are not ours to describe: the EU country table's
#: concept of the city's country is a ``dct:Location`` whose bounding box and centroid that
#: table keeps; the catalogue does not restate a country's geometry.
NOT_OURS = (
    ("http://publications.europa.eu/resource/authority/country/", "http://www.w3.org/ns/dcat#bbox"),
    (
        "http://publications.europa.eu/resource/authority/country/",
        "http://www.w3.org/ns/dcat#centroid",
    ),
)


def _ours(finding: Finding) -> bool:
    return not any(finding.focus.startswith(f) and finding.path == p for f, p in NOT_OURS)


def validate(data: rdflib.Graph) -> Report:
    """Violations of ``dcat-ap-SHACL.ttl`` with ``mdr-vocabularies.shape.ttl``, and the
    warnings of ``shapes_recommended.ttl`` (the warnings of the first two are not asked for:
    e.g. a city is not in the EU corporate-body table)."""
    from pyshacl import validate as run

    findings = []
    for names in (("dcat-ap-SHACL.ttl", "mdr-vocabularies.shape.ttl"), ("shapes_recommended.ttl",)):
        _conforms, results, _text = run(
            data,
            shacl_graph=shapes(*names),
            inference="none",
            allow_warnings=False,
            advanced=True,
        )
        findings.append(_findings(results))
    mandatory, recommended = findings
    return Report(
        violations=[f for f in mandatory if f.severity == "Violation"]
        + [f for f in recommended if f.severity == "Violation"],
        warnings=[f for f in recommended if f.severity != "Violation" and _ours(f)],
    )


def parse(text: str, fmt: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=text, format=fmt)
    return graph
