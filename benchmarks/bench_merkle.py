"""Speed of the consent ledger's cryptographic core, without a database.

Run: ``python benchmarks/bench_merkle.py [--leaves 1000000] [--events 300000]``

Prints leaf hashing rate, frontier append rate, per-subject chain verification
rate (alone and as the whole in-memory verify-ledger pipeline: chain + leaf
hash + frontier), and inclusion/consistency proof times in a tree of a million
leaves, with and without stored subtree hashes. The verify-ledger target is
100,000 events/s; the database read comes on top and is measured elsewhere.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

try:
    from cityrights.consent import merkle
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from cityrights.consent import merkle

from cityrights.consent.events import chain_events, event_leaf, verify_chain

T = TypeVar("T")
T0 = datetime(2025, 1, 1, tzinfo=UTC)
SCOPE = ["https://w3id.org/dpv/pd#Location", "https://w3id.org/dpv/pd#Age"]
EVENTS_PER_SUBJECT = 5


def timed(function: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def report(label: str, value: float, unit: str) -> None:
    print(f"  {label:<56} {value:>14,.1f} {unit}")


def make_chains(event_count: int) -> list[list[dict[str, Any]]]:
    chains = []
    for subject in range(event_count // EVENTS_PER_SUBJECT):
        raw = [
            {
                "seq": subject * EVENTS_PER_SUBJECT + n + 1,
                "subject": f"subj-{subject:08d}",
                "kind": "grant" if n % 2 == 0 else "withdraw",
                "agreement": "mobility-study",
                "agreement_version": 1,
                "scope": SCOPE,
                "method": "web",
                "witness": None,
                "time": T0 + timedelta(seconds=subject * EVENTS_PER_SUBJECT + n),
            }
            for n in range(EVENTS_PER_SUBJECT)
        ]
        chains.append(chain_events(raw))
    return chains


def verify_chunk(chains: list[list[dict[str, Any]]]) -> int:
    return sum(verify_chain(chain) is None for chain in chains)


def bench_hashing_and_frontier(leaves_wanted: int) -> tuple[list[bytes], dict]:
    print(f"Merkle tree of {leaves_wanted:,} leaves")
    event_hashes = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(leaves_wanted)]
    leaves, seconds = timed(lambda: [merkle.leaf_hash(h) for h in event_hashes])
    report("leaf hashing", len(leaves) / seconds, "leaves/s")

    frontier = merkle.MerkleFrontier()
    stored: dict[tuple[int, int], bytes] = {}

    def append_all() -> None:
        for start in range(0, len(leaves), 1000):  # batches of 1,000 as the sequencer would
            nodes = frontier.extend(leaves[start : start + 1000], merkle.NODE_STORE_MIN_LEVEL)
            stored.update(((level, index), value) for level, index, value in nodes)

    _, seconds = timed(append_all)
    report(
        "frontier append (batches of 1,000, keeping nodes >= 8)", len(leaves) / seconds, "leaves/s"
    )
    report("  subtree hashes to store", len(stored), "rows")
    report("  frontier JSON size", len(frontier.to_json()), "bytes")
    return leaves, stored


def bench_proofs(leaves: list[bytes], stored: dict) -> None:
    size = len(leaves)
    reads = [0]

    def get_leaves(start: int, end: int) -> list[bytes]:
        reads[0] += end - start
        return leaves[start:end]

    fast = merkle.TreeReader(size, get_leaves, lambda lv, ix: stored.get((lv, ix)))
    root_hash, seconds = timed(fast.root)
    report("root from stored subtrees", seconds * 1000, "ms")
    indices = [0, size // 3, size // 2 + 1, size - 1, 777_777 % size]
    started = time.perf_counter()
    for index in indices:
        reads[0] = 0
        proof = fast.inclusion_proof(index)
        assert merkle.verify_inclusion(leaves[index], index, size, proof, root_hash)
    per_proof = (time.perf_counter() - started) / len(indices)
    report("inclusion proof + verify, stored subtrees", per_proof * 1000, "ms")
    report("  leaf hashes read for the last proof", reads[0], "leaves")

    old = size * 2 // 3 + 5
    old_root = merkle.TreeReader(old, get_leaves, lambda lv, ix: stored.get((lv, ix))).root()
    proof, seconds = timed(lambda: fast.consistency_proof(old))
    assert merkle.verify_consistency(old, size, old_root, root_hash, proof)
    report("consistency proof, stored subtrees", seconds * 1000, "ms")

    slow = merkle.TreeReader(size, get_leaves)
    reads[0] = 0
    proof, seconds = timed(lambda: slow.inclusion_proof(size // 2 + 1))
    assert merkle.verify_inclusion(leaves[size // 2 + 1], size // 2 + 1, size, proof, root_hash)
    report("inclusion proof from leaves only (no stored nodes)", seconds * 1000, "ms")
    report("  leaf hashes read", reads[0], "leaves")


def bench_chains(event_count: int) -> None:
    print(f"Ledger of {event_count:,} events ({EVENTS_PER_SUBJECT} per subject)")
    chains = make_chains(event_count)
    total = sum(len(c) for c in chains)
    ok, seconds = timed(lambda: verify_chunk(chains))
    assert ok == len(chains)
    report("chain verification (canonical JSON + SHA-256)", total / seconds, "events/s")

    def pipeline() -> bytes:
        frontier = merkle.MerkleFrontier()
        for chain in chains:
            assert verify_chain(chain) is None
            frontier.extend([event_leaf(e["hash"]) for e in chain])
        return frontier.root()

    _, seconds = timed(pipeline)
    report("verify-ledger pipeline, 1 process (chain+leaf+root)", total / seconds, "events/s")

    print("  target for the whole verify-ledger command: >= 100,000 events/s")
    print("  (chains are independent: worker processes can each verify a range of subjects)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=300_000)
    args = parser.parse_args()
    leaves, stored = bench_hashing_and_frontier(args.leaves)
    bench_proofs(leaves, stored)
    bench_chains(args.events)


if __name__ == "__main__":
    main()
