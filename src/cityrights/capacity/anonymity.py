"""Writing anonymous answers so that nothing, not even their order, points to a person.

Who answered and what was answered live in two tables with no shared column
(``SurveyParticipation`` and ``SurveyAnswer``). Three more things could still join them,
and this module removes each:

* **Ids.** Both tables use random UUIDs as primary keys, so ids carry no order.
* **Time.** Neither table has a timestamp; answers carry the round and nothing finer.
* **Order on disk.** A database stores new rows one after the other (SQLite's ``rowid``,
  PostgreSQL's ``ctid``, and the order a dump writes them in). If each answer were
  written as it came, the third answer row would belong to the third participation row.
  So answers first wait in a pool (:class:`~cityrights.capacity.models.PooledAnswer`)
  and are written to their table only in batches of :data:`BATCH` (the same five as the
  smallest group ever shown), in random order, when the batch is full or the round
  closes (:func:`drain`). The best anyone reading the tables can do is to say that a
  person's answer is one of the five of their batch.

A deposit and the participation that goes with it are written in one transaction, and
the caller holds a lock on the round (``select_for_update``) so two deposits never
flush the same batch twice. Nothing here logs, audits or e-mails: an anonymous answer
leaves no other trace.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction

from .models import PooledAnswer
from .results import MIN_GROUP

BATCH = MIN_GROUP
"""Answers are written together in groups of this size: the smallest group ever shown."""

Writer = Callable[[list[dict[str, Any]]], None]

_random = random.SystemRandom()


def deposit(pool: str, payload: Mapping[str, Any], write: Writer, *, batch: int = BATCH) -> int:
    """Put ``payload`` in ``pool``; when the pool holds ``batch`` items, write them all.

    ``write`` receives the payloads in random order and must insert them in that order.
    Returns how many payloads were written now (0 or the size of the batch). Call it
    inside the caller's transaction, with the owner of the pool locked.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("deposit() must run inside the transaction that records the answer")
    PooledAnswer.objects.create(pool=pool, payload=dict(payload))
    if PooledAnswer.objects.filter(pool=pool).count() < batch:
        return 0
    return drain(pool, write)


def drain(pool: str, write: Writer) -> int:
    """Write whatever waits in ``pool`` (shuffled) and empty it; returns how many."""
    with transaction.atomic():
        waiting = list(PooledAnswer.objects.select_for_update().filter(pool=pool))
        if not waiting:
            return 0
        payloads = [item.payload for item in waiting]
        _random.shuffle(payloads)
        write(payloads)
        PooledAnswer.objects.filter(pk__in=[item.pk for item in waiting]).delete()
    return len(payloads)


def waiting(pool: str) -> int:
    """How many payloads wait in ``pool`` for their batch."""
    return PooledAnswer.objects.filter(pool=pool).count()


def survey_pool(round_id: int) -> str:
    return f"survey:{round_id}"


def evaluation_pool(module_id: int, phase: str) -> str:
    return f"evaluation:{module_id}:{phase}"
