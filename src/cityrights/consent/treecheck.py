"""The tree half of verify-ledger: leaves in order, stored subtrees, signed roots.

verify-ledger checks two things over every event, in tree order: each
subject's hash chain (:func:`cityrights.consent.ledger.verify`) and the
RFC 9162 Merkle tree over all events (:class:`TreeCheck`). The two halves share
nothing but the order, so on PostgreSQL the tree half runs in a second process
(``python -m cityrights.consent.treecheck``, :func:`check_in_snapshot`) that
reads the *same database snapshot* while the first process checks the chains:
each half gets a CPU. The request comes as JSON on standard input and the
answer goes out as JSON on standard output, so nothing depends on how the
first process was started.

This module imports nothing of Django, so that the second process starts in a
fraction of a second.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from dataclasses import astuple, dataclass
from typing import Any

from .merkle import NODE_STORE_MIN_LEVEL, MerkleFrontier, leaf_hash

# Which problem is named first when two are found at the same position: the order in which
# a single pass over the events meets them.
ORDER, CHAIN, SUBTREE, END, HEADS = range(5)
FLUSH_EVERY = 4096


@dataclass(frozen=True)
class Problem:
    position: int
    event_id: int | None
    reason: str
    rank: int

    def key(self) -> tuple[int, int]:
        return (self.position, self.rank)


class TreeCheck:
    """Feed the integrated events in tree order; it recomputes the tree as it goes.

    It compares every completed subtree with the stored :class:`MerkleNode`
    hashes, the root at every checkpoint size with the signed root (and the
    right edge with the one stored beside it, as :func:`frontier_digest`),
    and the end result with the sequencer's stored tree head.
    """

    def __init__(
        self,
        roots: Mapping[int, str],
        stored_nodes: Mapping[tuple[int, int], str],
        frontiers: Mapping[int, str] | None = None,
    ):
        self.roots = dict(roots)
        self.frontiers = dict(frontiers or {})
        self.stops = [size for size in sorted(self.roots) if size > 0]
        self.stop_at = 0
        self.stored_nodes = stored_nodes
        self.frontier = MerkleFrontier()
        self.leaves: list[bytes] = []
        self.position = 0  # integrated events seen so far
        self.last_id: int | None = None

    def check_position(self, leaf: int, event_id: int) -> Problem | None:
        if leaf != self.position:
            return Problem(
                self.position, event_id, "tree positions have a gap or are out of order", ORDER
            )
        return None

    def append(self, event_id: int, digest_hex: str) -> Problem | None:
        """Add the event's leaf (call after :meth:`check_position` passed)."""
        self.leaves.append(leaf_hash(bytes.fromhex(digest_hex)))
        self.position += 1
        self.last_id = event_id
        stops = self.stops
        if len(self.leaves) >= FLUSH_EVERY or (
            self.stop_at < len(stops) and self.position == stops[self.stop_at]
        ):
            while self.stop_at < len(stops) and stops[self.stop_at] <= self.position:
                self.stop_at += 1
            return self._flush()
        return None

    def flush(self) -> Problem | None:
        """Check the leaves added since the last check (done every few thousand leaves)."""
        return self._flush() if self.leaves else None

    def finish(self, tree_head: tuple[int, str] | None) -> Problem | None:
        """The last leaves, checkpoints beyond the events, and the stored tree head."""
        problem = self.flush()
        if problem:
            return problem
        missing = [size for size in self.stops if size > self.position]
        if missing:
            return Problem(
                self.position, None, f"checkpoint of size {missing[0]} covers missing events", END
            )
        if tree_head is not None:
            size, root = tree_head
            if size != self.position or (self.position and root != self.frontier.root().hex()):
                return Problem(
                    self.position, None, "the stored tree head does not match the events", END
                )
        return None

    def _flush(self) -> Problem | None:
        nodes = self.stored_nodes
        completed = self.frontier.extend(self.leaves, store_min_level=NODE_STORE_MIN_LEVEL)
        self.leaves.clear()
        for level, index, value in completed:
            if nodes.get((level, index), value.hex()) != value.hex():
                return self._problem(f"stored tree node ({level}, {index}) was altered")
        expected = self.roots.get(self.frontier.size)
        if expected is not None and self.frontier.root().hex() != expected:
            return self._problem(
                f"tree root at size {self.frontier.size} differs from the signed checkpoint"
            )
        stored = self.frontiers.get(self.frontier.size)
        if stored is not None and frontier_digest(self.frontier.to_json()) != stored:
            return self._problem(
                f"the tree edge stored with the checkpoint of size {self.frontier.size} was altered"
            )
        return None

    def _problem(self, reason: str) -> Problem:
        return Problem(self.position - 1, self.last_id, reason, SUBTREE)


def frontier_digest(frontier_json: str) -> str:
    """Hex SHA-256 of a stored frontier (what the second process compares, not the text)."""
    return hashlib.sha256(frontier_json.encode("utf-8")).hexdigest()


def check_in_snapshot(
    conninfo: Mapping[str, Any],
    snapshot: str,
    roots: Mapping[int, str],
    tables: Mapping[str, str],
    frontiers: Mapping[int, str] | None = None,
) -> Problem | None:
    """Run :class:`TreeCheck` over a PostgreSQL snapshot exported by the first process.

    ``tables`` names the event, node and tree-head tables (``event``, ``node``,
    ``tree``); ``conninfo`` holds psycopg connection parameters.
    """
    import psycopg
    from psycopg import sql

    with psycopg.connect(**conninfo) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
        nodes = {
            (level, index): value
            for level, index, value in conn.execute(
                sql.SQL("SELECT level, index, hash FROM {}").format(sql.Identifier(tables["node"]))
            )
        }
        head = conn.execute(
            sql.SQL("SELECT size, root FROM {} WHERE id = 1").format(sql.Identifier(tables["tree"]))
        ).fetchone()
        check = TreeCheck(roots, nodes, frontiers)
        with conn.cursor(name="cityrights_tree_check") as cursor:
            cursor.itersize = 50_000
            cursor.execute(
                sql.SQL(
                    "SELECT leaf_index, id, hash FROM {} WHERE leaf_index IS NOT NULL "
                    "ORDER BY leaf_index"
                ).format(sql.Identifier(tables["event"]))
            )
            for leaf, event_id, digest in cursor:
                problem = check.check_position(leaf, event_id) or check.append(event_id, digest)
                if problem:
                    return problem
        return check.finish(tuple(head) if head else None)


def main() -> int:
    """The second process: a request on standard input, the problem (or null) on output."""
    request = json.load(sys.stdin)
    roots = {int(size): root for size, root in request["roots"].items()}
    frontiers = {int(size): digest for size, digest in request.get("frontiers", {}).items()}
    problem = check_in_snapshot(
        request["conninfo"], request["snapshot"], roots, request["tables"], frontiers
    )
    json.dump({"problem": astuple(problem) if problem else None}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
