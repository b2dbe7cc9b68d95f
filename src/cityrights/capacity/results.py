"""Aggregates of anonymous answers, with every group under five people suppressed.

What the survey's results pages, CSV/JSON exports and API show comes from here and only
from here, so the suppression rule is written once:

* **Minimum group.** A group (the whole city, a department, a module's before or after
  ratings) is shown only when at least :data:`MIN_GROUP` people are in it; within a shown
  group, a question answered by fewer than :data:`MIN_GROUP` people is suppressed too.
* **No subtraction.** When some departments are suppressed, the city total minus the
  shown departments equals the suppressed ones. If that remainder holds between one and
  four people, subtracting would reveal them, so the smallest shown departments are
  suppressed as well until the remainder is empty or has at least five people
  (:func:`disclosed_groups`, secondary suppression as statistics offices do it).
  Answers without a department (the respondent chose so, or their department was
  too small when the round closed) count in the city total and in that remainder only.
* **No order.** Free texts are returned shuffled and without their department.

The functions are pure (rows in, figures out) so they are property-tested without a
database; ``selectors`` feeds them the rows of one round.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .survey import Question, Survey

MIN_GROUP = 5
"""The smallest number of people whose answers are shown together, anywhere."""

K = TypeVar("K", bound=Hashable)


def disclosed_groups(counts: Mapping[K | None, int], minimum: int = MIN_GROUP) -> set[K]:
    """The groups whose figures may be shown: each has ``minimum`` people, and so do the rest.

    ``counts`` maps a group to its number of people; the group ``None`` (no department) is
    never shown itself but belongs to the remainder. The result is empty when the total
    is below ``minimum``.
    """
    total = sum(counts.values())
    if total < minimum:
        return set()
    shown: set[K] = {key for key, n in counts.items() if key is not None and n >= minimum}
    hidden = total - sum(counts[key] for key in shown)
    while 0 < hidden < minimum and shown:
        smallest = min(shown, key=lambda key: (counts[key], str(key)))
        shown.remove(smallest)
        hidden += counts[smallest]
    return shown


@dataclass(frozen=True)
class OptionCount:
    key: str
    count: int
    share: float  # of the people who answered the question, 0..1


@dataclass(frozen=True)
class TopicNeed:
    key: str
    mean: float  # on the survey's scale, 1 = not necessary
    counts: tuple[int, ...]  # people per scale point, point 1 first
    answered: int

    @property
    def top_share(self) -> float:
        """Share of people who chose the highest point ("very necessary")."""
        return self.counts[-1] / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class QuestionResult:
    key: str
    kind: str
    answered: int
    suppressed: bool
    options: tuple[OptionCount, ...] = ()
    topics: tuple[TopicNeed, ...] = ()  # ranked: greatest need first


@dataclass(frozen=True)
class GroupResult:
    """Every question's figures for one group of respondents (city or department)."""

    respondents: int
    questions: tuple[QuestionResult, ...]

    def question(self, key: str) -> QuestionResult:
        for result in self.questions:
            if result.key == key:
                return result
        raise KeyError(key)


@dataclass(frozen=True)
class RoundResults:
    """A round's results as they may be shown: city, disclosed departments, free texts."""

    respondents: int
    city: GroupResult | None  # None: fewer than MIN_GROUP answers
    departments: dict[Any, GroupResult] = field(default_factory=dict)
    suppressed_departments: tuple[Any, ...] = ()  # departments with answers, not shown
    others: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        return self.city is not None


class Tally:
    """Counts for one group: respondents, people per question, per option, per rating.

    Filled answer by answer (:meth:`add`, one flat counter, which keeps a round of
    10,000 answers well under a tenth of a second) and merged into the city's;
    :meth:`result` applies the suppression.
    """

    __slots__ = ("answered", "counts", "respondents")

    def __init__(self) -> None:
        self.respondents = 0
        self.answered: Counter[str] = Counter()
        # (question, option) for choices, (question, topic, rating) for topic scales
        self.counts: Counter[tuple[Any, ...]] = Counter()

    def merge(self, other: Tally) -> None:
        self.respondents += other.respondents
        self.answered.update(other.answered)
        self.counts.update(other.counts)

    def add(self, survey: Survey, answers: Mapping[str, Any]) -> None:
        self.respondents += 1
        answered, counts = self.answered, self.counts
        for key, kind in survey.kinds:
            value = answers.get(key)
            if not value:
                continue
            answered[key] += 1
            if kind == "single":
                counts[(key, value)] += 1
            elif kind == "multiple":
                for item in value:
                    counts[(key, item)] += 1
            else:
                for topic, rating in value.items():
                    counts[(key, topic, int(rating))] += 1

    def as_json(self) -> dict[str, Any]:
        """Plain data to keep with a closed round (its figures never change again)."""
        return {
            "respondents": self.respondents,
            "answered": dict(self.answered),
            "counts": [[*item, count] for item, count in sorted(self.counts.items(), key=str)],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Tally:
        tally = cls()
        tally.respondents = int(data["respondents"])
        tally.answered.update({str(k): int(v) for k, v in data["answered"].items()})
        for *item, count in data["counts"]:
            tally.counts[tuple(item)] += int(count)
        return tally

    def ratings(self, key: str) -> dict[str, Counter[int]]:
        found: dict[str, Counter[int]] = {}
        for item, count in self.counts.items():
            if len(item) == 3 and item[0] == key:
                found.setdefault(item[1], Counter())[item[2]] += count
        return found

    def result(self, survey: Survey, minimum: int) -> GroupResult:
        return GroupResult(
            respondents=self.respondents,
            questions=tuple(self._question(survey, q, minimum) for q in survey.questions),
        )

    def _question(self, survey: Survey, question: Question, minimum: int) -> QuestionResult:
        answered = self.answered[question.key]
        if answered < minimum:
            return QuestionResult(question.key, question.kind, answered, suppressed=True)
        if question.kind == "topic-scale":
            return QuestionResult(
                question.key,
                question.kind,
                answered,
                suppressed=False,
                topics=rank_topics(survey, self.ratings(question.key), minimum),
            )
        return QuestionResult(
            question.key,
            question.kind,
            answered,
            suppressed=False,
            options=tuple(
                OptionCount(
                    option.key,
                    self.counts[(question.key, option.key)],
                    self.counts[(question.key, option.key)] / answered,
                )
                for option in question.options
            ),
        )


def rank_topics(
    survey: Survey, ratings: Mapping[str, Counter[int]], minimum: int = MIN_GROUP
) -> tuple[TopicNeed, ...]:
    """Topics by need: highest mean first, then most "very necessary", then file order.

    A topic rated by fewer than ``minimum`` people is left out.
    """
    needs = []
    for index, topic in enumerate(survey.topics):
        counts = ratings.get(topic.key, Counter())
        answered = sum(counts.values())
        if answered < minimum:
            continue
        total = sum(point * n for point, n in counts.items())
        per_point = tuple(counts.get(point.value, 0) for point in survey.scale)
        needs.append((index, TopicNeed(topic.key, total / answered, per_point, answered)))
    needs.sort(key=lambda item: (-item[1].mean, -item[1].top_share, item[0]))
    return tuple(need for _index, need in needs)


def aggregate(
    survey: Survey,
    rows: Iterable[tuple[Any, Mapping[str, Any]]],
    others: Iterable[Mapping[str, str]] = (),
    *,
    minimum: int = MIN_GROUP,
    rng: random.Random | None = None,
) -> RoundResults:
    """Aggregate ``(department, answers)`` rows of one round into what may be shown.

    ``department`` is any hashable key or ``None``. ``others`` are the free texts of the
    same answers (question key → text); they are shown, shuffled, only with the city.
    """
    groups: dict[Any, Tally] = {}
    for department, answers in rows:
        groups.setdefault(department, Tally()).add(survey, answers)
    return from_tallies(survey, groups, others, minimum=minimum, rng=rng)


def from_tallies(
    survey: Survey,
    groups: Mapping[Any, Tally],
    others: Iterable[Mapping[str, str]] = (),
    *,
    minimum: int = MIN_GROUP,
    rng: random.Random | None = None,
) -> RoundResults:
    """What may be shown of one round, from the counts of each department (``None``: none)."""
    city = Tally()
    for tally in groups.values():
        city.merge(tally)
    counts = {key: tally.respondents for key, tally in groups.items()}
    shown = disclosed_groups(counts, minimum)
    if city.respondents < minimum:
        return RoundResults(respondents=city.respondents, city=None)
    texts: dict[str, list[str]] = {}
    for item in others:
        for key, value in item.items():
            texts.setdefault(key, []).append(value)
    shuffle = (rng or random.SystemRandom()).shuffle
    for values in texts.values():
        shuffle(values)
    return RoundResults(
        respondents=city.respondents,
        city=city.result(survey, minimum),
        departments={key: groups[key].result(survey, minimum) for key in shown},
        suppressed_departments=tuple(
            sorted((key for key in groups if key is not None and key not in shown), key=str)
        ),
        others={key: tuple(values) for key, values in texts.items()},
    )


@dataclass(frozen=True)
class RatingChange:
    """Before/after self-ratings of one module; means only when both sides are shown."""

    before: int
    after: int
    before_mean: float | None
    after_mean: float | None

    @property
    def change(self) -> float | None:
        if self.before_mean is None or self.after_mean is None:
            return None
        return self.after_mean - self.before_mean

    @property
    def signed_change(self) -> str:
        return "" if self.change is None else f"{self.change:+.2f}"


def rating_change(
    before: Sequence[int], after: Sequence[int], *, minimum: int = MIN_GROUP
) -> RatingChange:
    """Means of before and after ratings, each suppressed under ``minimum`` ratings."""

    def mean(values: Sequence[int]) -> float | None:
        return sum(values) / len(values) if len(values) >= minimum else None

    return RatingChange(len(before), len(after), mean(before), mean(after))
