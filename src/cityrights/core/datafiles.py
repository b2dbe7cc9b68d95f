"""Versioned content files (YAML or JSON): translatable text, strict reading, located errors.

The self-assessment framework and the impact-assessment templates are data that
city staff and translators edit. A mistake must come back as a message that
names the file, the key path and the line, never as a stack trace. This module
holds the parts both loaders share:

* :class:`Text` and :func:`text`: a frozen ``{language: text}`` map with fallback;
* :func:`read_yaml`: a safe YAML reader that refuses duplicated keys;
* :class:`Problem` and :class:`DataFileError`: problems located by key path and line;
* :func:`locate_lines`, :func:`format_path`, :func:`schema_problems`;
* :func:`content_hash` and :func:`snapshot_hash`: what a version means, and what it holds;
* :func:`store_version` and :func:`stale_snapshots`: keeping a file's version in the
  database, and finding the stored versions whose file has other translations now;
* :func:`content_files` and :func:`missing_translations`: every shipped content file, and
  the texts in it that lack a language the interface offers.

Why the two fingerprints: English is the reference text of a content file and, with the
structure (keys, levels, weights, rules), it is what a version *means*. Translations
render that meaning in other languages and are completed and corrected over time. So
:func:`content_hash` leaves them out: a version whose translations improve keeps its
identity, the answers given with it and their scores, while a change of English or of
the structure needs a new version number. :func:`snapshot_hash` covers everything and
tells a stored copy that its translations are out of date.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, TypeVar, cast

import yaml
from django.db import transaction

if TYPE_CHECKING:
    from django.db.models import Model

DEFAULT_LANGUAGE = "en"
MAX_REPORTED_PROBLEMS = 25
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class Text(Mapping[str, str]):
    """An immutable, hashable ``{language: text}`` map; English is always present.

    Hashability lets frozen dataclasses hold texts *and* serve as cache keys.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values: dict[str, str] = dict(values)

    def __getitem__(self, language: str) -> str:
        return self._values[language]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __hash__(self) -> int:
        return hash(frozenset(self._values.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._values) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Text({self._values!r})"

    def __str__(self) -> str:
        return text(self, DEFAULT_LANGUAGE)

    def get_text(self, language: str) -> str:
        """The text in ``language``, falling back to English (see :func:`text`)."""
        return text(self, language)


def text(value: Mapping[str, str] | str | None, language: str = DEFAULT_LANGUAGE) -> str:
    """Return ``value`` in ``language``, falling back to the base language, then English.

    ``fr-CA`` falls back to ``fr`` before English, so regional variants need only list the
    sentences that differ. Plain strings are returned as they are and ``None`` becomes
    ``""`` so templates never have to test for missing optional texts.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    language = (language or DEFAULT_LANGUAGE).replace("_", "-")
    candidates = [language, language.split("-")[0].lower(), DEFAULT_LANGUAGE]
    for candidate in candidates:
        found = value.get(candidate)
        if found:
            return found
    return next(iter(value.values()), "")


def optional_text(value: Mapping[str, str] | None) -> Text | None:
    return Text(value) if value is not None else None


def find(items: Iterable[Any], key: str, kind: str) -> Any:
    """The item whose ``key`` is ``key``; ``KeyError`` naming the kind otherwise."""
    for item in items:
        if item.key == key:
            return item
    raise KeyError(f"unknown {kind} {key!r}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, located as precisely as possible."""

    path: str
    message: str
    line: int | None = None

    def render(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {self.path or '<root>'}: {self.message}"


class DataFileError(ValueError):
    """A content file is broken. ``str(error)`` names the file, key path and line.

    Subclasses set ``noun`` ("framework", "impact template") for the message header.
    """

    noun: ClassVar[str] = "file"

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = [problem.render(source) for problem in self.problems[:MAX_REPORTED_PROBLEMS]]
        hidden = len(self.problems) - MAX_REPORTED_PROBLEMS
        if hidden > 0:
            lines.append(f"... and {hidden} more problem(s)")
        header = f"invalid {self.noun} {source} ({len(self.problems)} problem(s))"
        super().__init__(header + ":\n  " + "\n  ".join(lines))


# --------------------------------------------------------------------------------------
# YAML reading with duplicate-key detection and line lookup
# --------------------------------------------------------------------------------------

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: object, line: int, first_line: int) -> None:
        super().__init__(f"duplicated key {key!r} (first defined on line {first_line})")
        self.key = key
        self.line = line


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader that refuses duplicated mapping keys (PyYAML keeps the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: dict[Any, int] = {}
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if isinstance(key, Mapping | list):
                continue  # unhashable keys are reported by the base constructor
            if key in seen:
                raise _DuplicateKeyError(key, line, seen[key])
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def read_yaml(source: str, content: str, error: type[DataFileError]) -> Any:
    """Parse ``content``; syntax errors and duplicated keys raise ``error`` with the line."""
    try:
        return yaml.load(content, Loader=_StrictLoader)  # noqa: S506 - a safe loader subclass
    except _DuplicateKeyError as problem:
        raise error(source, [Problem("", str(problem), problem.line)]) from problem
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None) or getattr(problem, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(problem, "problem", None) or str(problem)
        raise error(source, [Problem("", f"YAML syntax error: {what}", line)]) from problem


def locate_lines(content: str | None, problems: list[Problem]) -> list[Problem]:
    """Fill in line numbers by composing the YAML node tree and walking each key path."""
    if not content or all(problem.line for problem in problems):
        return problems
    try:
        root = yaml.compose(content, Loader=_BaseLoader)
    except yaml.YAMLError:
        return problems
    return [
        Problem(p.path, p.message, p.line or _line_for_path(root, split_path(p.path)))
        for p in problems
    ]


def split_path(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for chunk in path.replace("[", ".[").split("."):
        if not chunk:
            continue
        if chunk.startswith("[") and chunk.endswith("]"):
            parts.append(int(chunk[1:-1]))
        else:
            parts.append(chunk)
    return parts


def _line_for_path(node: yaml.Node | None, path: list[str | int]) -> int | None:
    """The line of the deepest node reachable along ``path`` (key line for mappings)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if str(key_node.value) == str(part):
                    child, line = value_node, key_node.start_mark.line + 1
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line


def format_path(parts: Iterable[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def stringify_keys(value: Any) -> Any:
    """YAML reads ``1:`` as an integer key; JSON (and the schema) only know string keys."""
    if isinstance(value, Mapping):
        return {str(key): stringify_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [stringify_keys(item) for item in value]
    return value


def schema_problems(validator: Any, data: Mapping[str, Any]) -> list[Problem]:
    """JSON-Schema errors as located problems; a single missing key names that key."""
    problems = []
    for error in validator.iter_errors(data):
        parts = list(error.absolute_path)
        message = error.message
        if error.validator == "required" and isinstance(error.instance, Mapping):
            missing = [k for k in error.validator_value if k not in error.instance]
            if len(missing) == 1:
                parts.append(missing[0])
                message = "required key is missing"
        problems.append(Problem(format_path(parts), message))
    problems.sort(key=lambda problem: problem.path)
    return problems


# --------------------------------------------------------------------------------------
# Fingerprints: what a version means, and what a stored copy holds
# --------------------------------------------------------------------------------------


def is_text(value: Any) -> bool:
    """True for a translatable text as content files write it: ``{en: ..., fr: ..., nl: ...}``.

    That is a mapping with an English entry whose keys are all language tags and whose
    values are all strings. Every loader's schema requires English, so this finds every
    human text of a file without knowing its schema.
    """
    return (
        isinstance(value, Mapping)
        and DEFAULT_LANGUAGE in value
        and all(isinstance(key, str) and LANGUAGE_TAG.match(key) for key in value)
        and all(isinstance(item, str) for item in value.values())
    )


def english_only(data: Any) -> Any:
    """``data`` with every text reduced to its English entry (see :func:`is_text`)."""
    if is_text(data):
        return {DEFAULT_LANGUAGE: data[DEFAULT_LANGUAGE]}
    if isinstance(data, Mapping):
        return {key: english_only(item) for key, item in data.items()}
    if isinstance(data, list | tuple):
        return [english_only(item) for item in data]
    return data


def _sha256(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_hash(data: Mapping[str, Any], *, ignore: Iterable[str] = ()) -> str:
    """What a version means: sha256 of its structure and English text, translations left out.

    The canonical JSON (sorted keys, no spaces, UTF-8) of :func:`english_only` of ``data``,
    without the top-level keys in ``ignore`` (e.g. a list of the languages a file offers,
    which grows with its translations). Two files with the same content hash ask the same
    questions in the same English and score the same way.
    """
    skipped = set(ignore)
    return _sha256(english_only({key: v for key, v in data.items() if key not in skipped}))


def snapshot_hash(data: Mapping[str, Any]) -> str:
    """What a stored copy holds: sha256 of the canonical JSON of all of ``data``."""
    return _sha256(data)


SnapshotChange = Literal["new", "unchanged", "translations", "conflict"]


def snapshot_change(stored: tuple[str, str] | None, content: str, snapshot: str) -> SnapshotChange:
    """How a file relates to the stored ``(content_hash, snapshot_hash)`` of its version.

    ``new``: no copy is stored; ``unchanged``: the same file; ``translations``: the same
    meaning with other translations (the stored copy may be updated in place);
    ``conflict``: a different meaning under the same version, which must be refused.
    """
    if stored is None:
        return "new"
    stored_content, stored_snapshot = stored
    if stored_content != content:
        return "conflict"
    return "unchanged" if stored_snapshot == snapshot else "translations"


# --------------------------------------------------------------------------------------
# Storing a version: one row per (key, version), its meaning fixed, its translations not
# --------------------------------------------------------------------------------------


class StoredVersion(Protocol):
    """What a model keeping versions of a content file has (``FrameworkVersion``, …).

    Besides these, the model has ``key``, ``version`` and ``title`` fields, and ``data``
    is a JSON field holding the whole file as read.
    """

    content_hash: str
    snapshot_hash: str
    data: Any


class VersionFile(Protocol):
    """A validated content file as its app's loader gives it (``Framework``, ``Survey``)."""

    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def title(self) -> Text: ...
    @property
    def content_hash(self) -> str: ...
    @property
    def snapshot_hash(self) -> str: ...
    @property
    def data(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class LoadedFile:
    """A :class:`VersionFile` for loaders whose objects do not keep their data and hashes."""

    id: str
    version: int
    title: Text
    content_hash: str
    snapshot_hash: str
    data: Mapping[str, Any]


VersionRow = TypeVar("VersionRow", bound="Model")
Stale = TypeVar("Stale", bound=StoredVersion)
StoreOutcome = Literal["loaded", "translations", "unchanged"]


def store_version(
    model: type[VersionRow],
    file: VersionFile,
    *,
    refuse: Callable[[VersionRow], Exception],
    fields: Mapping[str, Any] | None = None,
) -> tuple[VersionRow, StoreOutcome]:
    """Keep ``file`` as the row of ``model`` for its identifier (``key``) and version.

    ``file`` is what its app's loader validated, with both hashes (see
    :func:`content_hash` and :func:`snapshot_hash`). By :func:`snapshot_change`:

    * no row yet: one is created with ``fields`` added (e.g. a template's kind) and the
      audit event ``load``; ``"loaded"``;
    * the same file: nothing is written; ``"unchanged"``;
    * the same meaning with other translations: the row's ``data`` and snapshot hash are
      replaced in place, with an ``update`` event naming both snapshot hashes;
      ``"translations"``. What was answered with the version refers to its keys and
      English meaning, neither of which changed;
    * another meaning under the same version: ``refuse(row)`` is raised and nothing is
      written, because a published version keeps its meaning.

    The write and its audit event share one transaction. Loading is the system's doing,
    so the events have no actor and no organisation.
    """
    from cityrights.core import audit

    existing = model._default_manager.filter(key=file.id, version=file.version).first()
    row = cast(StoredVersion | None, existing)
    stored = (row.content_hash, row.snapshot_hash) if row is not None else None
    change = snapshot_change(stored, file.content_hash, file.snapshot_hash)
    if existing is not None and change == "conflict":
        raise refuse(existing)
    if existing is not None and change == "unchanged":
        return existing, "unchanged"
    with transaction.atomic():
        if existing is not None and row is not None:
            previous = row.snapshot_hash
            row.data = dict(file.data)
            row.snapshot_hash = file.snapshot_hash
            existing.save(update_fields=["data", "snapshot_hash"])
            audit.record(
                actor=None,
                organisation=None,
                action="update",
                obj=existing,
                changes={"snapshot_hash": [previous, file.snapshot_hash]},
            )
            return existing, "translations"
        created = model._default_manager.create(
            key=file.id,
            version=file.version,
            title=str(file.title)[:300],
            content_hash=file.content_hash,
            snapshot_hash=file.snapshot_hash,
            data=dict(file.data),
            **(fields or {}),
        )
        audit.record(
            actor=None,
            organisation=None,
            action="load",
            obj=created,
            changes={"content_hash": file.content_hash},
        )
    return created, "loaded"


def stale_snapshots(
    paths: Iterable[Path],
    stored: Callable[[str, int], Stale | None],
    error: type[DataFileError],
) -> Iterator[tuple[Path, Stale]]:
    """The shipped files ``key.vN.yaml`` whose stored version holds another snapshot.

    ``stored(key, n)`` finds the stored version, if any. A file whose version is not
    stored is skipped (loading new versions is not a refresh), and so is one whose
    snapshot hash matches without being validated. What is yielded may differ in its
    translations or in its meaning: the caller validates the file and decides.
    """
    for path in paths:
        key, _dot, number = path.name.removesuffix(path.suffix).rpartition(".v")
        row = stored(key, int(number))
        if row is None:
            continue
        raw = read_yaml(str(path), path.read_text(encoding="utf-8"), error)
        if snapshot_hash(stringify_keys(raw)) != row.snapshot_hash:
            yield path, row


# --------------------------------------------------------------------------------------
# Translation completeness of every shipped content file
# --------------------------------------------------------------------------------------

PACKAGE_DIR = Path(__file__).resolve().parents[1]
"""The ``cityrights`` package: every app's content files live somewhere below it."""

CONTENT_SUFFIXES = (".yaml", ".yml")
_NOT_CONTENT = {"static", "templates", "locale", "node_modules", "__pycache__", "migrations"}


def content_files(root: Path = PACKAGE_DIR) -> list[Path]:
    """Every YAML file below an app of the package, in a stable order.

    An app adds content by putting a YAML file anywhere in its package (outside
    ``static``, ``templates``, ``locale`` and ``migrations``) with its human texts written
    as language maps (:func:`is_text`); nothing needs registering. Files without texts
    are harmless: they have nothing to translate.
    """
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in CONTENT_SUFFIXES or not path.is_file():
            continue
        parts = path.relative_to(root).parts
        if any(part in _NOT_CONTENT or part.startswith(".") for part in parts[:-1]):
            continue
        found.append(path)
    return found


def snapshot_name(title: Mapping[str, str] | str | None, stored_title: str, version: int) -> str:
    """A loaded file's snapshot as pages and documents name it: its title in the reader's
    language and its version ("Gids 2022, versie 1"). The key ("guide-2022 v1") is for
    software and files; ``stored_title`` stands in when the file has no title."""
    from django.utils.translation import gettext

    from .translation import current_language

    shown = text(title, current_language()) or stored_title
    return gettext("%(title)s, version %(version)s") % {"title": shown, "version": version}


def texts_of(
    data: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[str, Mapping[str, str]]]:
    """Every text of ``data`` with its key path, in document order."""
    if is_text(data):
        yield format_path(path), data
    elif isinstance(data, Mapping):
        for key, item in data.items():
            yield from texts_of(item, (*path, str(key)))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from texts_of(item, (*path, index))


def missing_translations(
    data: Any, languages: Iterable[str], content: str | None = None
) -> list[Problem]:
    """One located problem per text of ``data`` that lacks one of ``languages``."""
    wanted = list(languages)
    problems = []
    for where, value in texts_of(data):
        missing = [code for code in wanted if not str(value.get(code, "")).strip()]
        if missing:
            english = " ".join(value[DEFAULT_LANGUAGE].split())
            if len(english) > 60:
                english = english[:57] + "..."
            problems.append(Problem(where, f"no {', '.join(missing)} text for {english!r}"))
    return locate_lines(content, problems)


def translation_problems(path: Path, languages: Iterable[str]) -> list[Problem]:
    """The texts of the file at ``path`` that lack one of ``languages``, with their lines."""
    content = path.read_text(encoding="utf-8")
    data = read_yaml(str(path), content, DataFileError)
    return missing_translations(data, languages, content)
