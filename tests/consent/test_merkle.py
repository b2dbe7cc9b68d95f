"""The ledger's Merkle tree agrees with RFC 9162, with its reference vectors and
with a literal transcription of the RFC's recursive definitions."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrights.consent import merkle
from cityrights.consent.merkle import (
    EMPTY_ROOT,
    MerkleFrontier,
    TreeReader,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

# The reference tree of the Certificate Transparency test suites (8 leaves).
CT_DATA = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = {
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}
CT_CONSISTENCY = {
    (2, 8): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (6, 8): [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}
CT_LEAVES = [leaf_hash(d) for d in CT_DATA]


# --- the RFC's recursive definitions, written out literally ------------------
def naive_mth(leaves: list[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + naive_mth(leaves[:k]) + naive_mth(leaves[k:])).digest()


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*naive_path(m, leaves[:k]), naive_mth(leaves[k:])]
    return [*naive_path(m - k, leaves[k:]), naive_mth(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [naive_mth(leaves)]
    k = _split(n)
    if m <= k:
        return [*naive_subproof(m, leaves[:k], whole), naive_mth(leaves[k:])]
    return [*naive_subproof(m - k, leaves[k:], False), naive_mth(leaves[:k])]


def make_leaves(count: int, salt: int = 0) -> list[bytes]:
    return [leaf_hash(f"{salt}:{i}".encode()) for i in range(count)]


LEAVES_70 = make_leaves(70)
ROOTS_70 = [naive_mth(LEAVES_70[:n]) for n in range(71)]


def flip(value: bytes, byte: int, bit: int = 0) -> bytes:
    mutable = bytearray(value)
    mutable[byte % len(mutable)] ^= 1 << bit
    return bytes(mutable)


# --- reference vectors ---------------------------------------------------------
def test_roots_match_reference_vectors() -> None:
    assert EMPTY_ROOT.hex() == CT_ROOTS[0]
    for size in range(9):
        assert root(CT_LEAVES[:size]).hex() == CT_ROOTS[size]


@pytest.mark.parametrize(("index", "size"), sorted(CT_INCLUSION))
def test_inclusion_matches_reference_vectors(index: int, size: int) -> None:
    proof = inclusion_proof(index, CT_LEAVES, size)
    assert [p.hex() for p in proof] == CT_INCLUSION[(index, size)]
    root_hash = bytes.fromhex(CT_ROOTS[size])
    assert verify_inclusion(CT_LEAVES[index], index, size, proof, root_hash)


@pytest.mark.parametrize(("old", "new"), sorted(CT_CONSISTENCY))
def test_consistency_matches_reference_vectors(old: int, new: int) -> None:
    proof = consistency_proof(old, new, CT_LEAVES)
    assert [p.hex() for p in proof] == CT_CONSISTENCY[(old, new)]
    old_root, new_root = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    assert verify_consistency(old, new, old_root, new_root, proof)


# --- cross-check against the naive definitions ---------------------------------
def test_every_inclusion_proof_matches_and_verifies_up_to_70() -> None:
    for size in range(1, 71):
        leaves = LEAVES_70[:size]
        for index in range(size):
            proof = inclusion_proof(index, LEAVES_70, size)
            assert proof == naive_path(index, leaves)
            assert verify_inclusion(leaves[index], index, size, proof, ROOTS_70[size])


def test_every_consistency_proof_matches_and_verifies_up_to_70() -> None:
    for new in range(1, 71):
        for old in range(1, new + 1):
            proof = consistency_proof(old, new, LEAVES_70)
            assert proof == naive_subproof(old, LEAVES_70[:new], True)
            assert verify_consistency(old, new, ROOTS_70[old], ROOTS_70[new], proof)


@settings(max_examples=150, deadline=None)
@given(size=st.integers(1, 70), data=st.data())
def test_any_altered_byte_breaks_an_inclusion_proof(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1))
    leaf, root_hash = LEAVES_70[index], ROOTS_70[size]
    proof = inclusion_proof(index, LEAVES_70, size)
    byte, bit = data.draw(st.integers(0, 31)), data.draw(st.integers(0, 7))
    assert not verify_inclusion(leaf, index, size, proof, flip(root_hash, byte, bit))
    assert not verify_inclusion(flip(leaf, byte, bit), index, size, proof, root_hash)
    if proof:
        at = data.draw(st.integers(0, len(proof) - 1))
        bad = list(proof)
        bad[at] = flip(bad[at], byte, bit)
        assert not verify_inclusion(leaf, index, size, bad, root_hash)
        assert not verify_inclusion(leaf, index, size, proof[:-1], root_hash)
    assert not verify_inclusion(leaf, index, size, [*proof, leaf], root_hash)
    wrong_index = data.draw(st.integers(0, size - 1).filter(lambda i: i != index) | st.just(size))
    if wrong_index < size and LEAVES_70[wrong_index] != leaf:
        assert not verify_inclusion(leaf, wrong_index, size, proof, root_hash)


@settings(max_examples=150, deadline=None)
@given(new=st.integers(2, 70), data=st.data())
def test_any_altered_byte_breaks_a_consistency_proof(new: int, data: st.DataObject) -> None:
    old = data.draw(st.integers(1, new - 1))
    proof = consistency_proof(old, new, LEAVES_70)
    byte, bit = data.draw(st.integers(0, 31)), data.draw(st.integers(0, 7))
    old_root, new_root = ROOTS_70[old], ROOTS_70[new]
    assert verify_consistency(old, new, old_root, new_root, proof)
    assert not verify_consistency(old, new, flip(old_root, byte, bit), new_root, proof)
    assert not verify_consistency(old, new, old_root, flip(new_root, byte, bit), proof)
    at = data.draw(st.integers(0, len(proof) - 1))
    bad = list(proof)
    bad[at] = flip(bad[at], byte, bit)
    assert not verify_consistency(old, new, old_root, new_root, bad)
    assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
    assert not verify_consistency(old, new, old_root, new_root, [*proof, old_root])
    # A tree that rewrote history is not consistent with the old root.
    forked = list(LEAVES_70[:new])
    forked[data.draw(st.integers(0, old - 1))] = leaf_hash(b"forged")
    forked_root = naive_mth(forked)
    assert not verify_consistency(old, new, old_root, forked_root, proof)
    assert not verify_consistency(
        old, new, old_root, forked_root, consistency_proof(old, new, forked)
    )


def test_degenerate_and_malformed_inputs_are_refused_not_raised() -> None:
    r4, r5 = ROOTS_70[4], ROOTS_70[5]
    assert verify_consistency(4, 4, r4, r4, [])
    assert not verify_consistency(4, 4, r4, r5, [])
    assert not verify_consistency(4, 4, r4, r4, [r4])
    assert verify_consistency(0, 5, EMPTY_ROOT, r5, [])
    assert not verify_consistency(0, 5, r4, r5, [])
    assert not verify_consistency(5, 4, r5, r4, consistency_proof(4, 5, LEAVES_70))
    assert not verify_consistency(4, 5, r4, r5, [])
    assert not verify_consistency(4, 5, r4[:31], r5, consistency_proof(4, 5, LEAVES_70))
    proof = inclusion_proof(2, LEAVES_70, 5)
    assert not verify_inclusion(LEAVES_70[2], 5, 5, proof, r5)
    assert not verify_inclusion(LEAVES_70[2], -1, 5, proof, r5)
    assert not verify_inclusion(LEAVES_70[2], 2, 5, [p[:31] for p in proof], r5)
    assert not verify_inclusion(LEAVES_70[2][:31], 2, 5, proof, r5)
    assert verify_inclusion(LEAVES_70[0], 0, 1, [], ROOTS_70[1])
    with pytest.raises(ValueError):
        inclusion_proof(5, LEAVES_70, 5)
    with pytest.raises(ValueError):
        consistency_proof(6, 5, LEAVES_70)
    with pytest.raises(ValueError):
        root([b"short"])


# --- the frontier ---------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(batches=st.lists(st.integers(0, 40), max_size=8))
def test_frontier_root_equals_naive_root_after_batches(batches: list[int]) -> None:
    frontier, leaves = MerkleFrontier(), []
    for batch_number, count in enumerate(batches):
        batch = make_leaves(count, salt=batch_number + 1)
        # Round-trip through JSON between batches, as the sequencer does.
        frontier = MerkleFrontier.from_json(frontier.to_json())
        frontier.extend(batch)
        leaves.extend(batch)
        assert frontier.size == len(leaves)
        assert frontier.root() == naive_mth(leaves)
        assert len(frontier.hashes) == bin(len(leaves)).count("1")


def test_frontier_json_round_trip_and_validation() -> None:
    frontier = MerkleFrontier()
    frontier.extend(LEAVES_70[:37])
    loaded = MerkleFrontier.from_json(frontier.to_json())
    assert loaded == frontier and loaded.root() == ROOTS_70[37]
    loaded.append(LEAVES_70[37])
    assert frontier.size == 37, "the copy is independent"
    for broken in [
        '{"size": 3, "hashes": []}',
        '{"size": -1, "hashes": []}',
        '{"size": 1, "hashes": ["zz"]}',
        '{"size": 1, "hashes": ["00"]}',
        "[]",
        "not json",
    ]:
        with pytest.raises(ValueError):
            MerkleFrontier.from_json(broken)


def test_frontier_reports_completed_subtrees_and_reader_uses_them() -> None:
    leaves = make_leaves(1000, salt=9)
    frontier, stored = MerkleFrontier(), {}
    for start in range(0, 1000, 77):  # uneven batches
        for level, index, value in frontier.extend(leaves[start : start + 77], store_min_level=3):
            stored[(level, index)] = value
    assert all(level >= 3 for level, _ in stored)
    for (level, index), value in stored.items():
        assert value == naive_mth(leaves[index << level : (index + 1) << level])
    assert len(stored) == sum(1000 >> level for level in range(3, 10))

    reads: list[int] = []

    def get_leaves(start: int, end: int) -> list[bytes]:
        reads.append(end - start)
        return leaves[start:end]

    reader = TreeReader(1000, get_leaves, lambda lv, ix: stored.get((lv, ix)), node_min_level=3)
    assert reader.root() == frontier.root() == naive_mth(leaves)
    for index in (0, 1, 255, 511, 512, 998, 999):
        reads.clear()
        proof = reader.inclusion_proof(index)
        assert proof == naive_path(index, leaves)
        assert sum(reads) < 40, "stored subtrees spare reading the leaves"
    assert reader.consistency_proof(613) == naive_subproof(613, leaves, True)


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(1, 600),
    batch=st.integers(1, 50),
    min_level=st.integers(1, 5),
    data=st.data(),
)
def test_reader_with_stored_nodes_equals_the_naive_definitions(
    size: int, batch: int, min_level: int, data: st.DataObject
) -> None:
    leaves = make_leaves(size, salt=size)
    frontier, stored = MerkleFrontier(), dict[tuple[int, int], bytes]()
    for start in range(0, size, batch):
        nodes = frontier.extend(leaves[start : start + batch], store_min_level=min_level)
        stored.update(((level, index), value) for level, index, value in nodes)
    reader = TreeReader(
        size, lambda s, e: leaves[s:e], lambda lv, ix: stored.get((lv, ix)), min_level
    )
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(0, size))
    assert reader.root() == naive_mth(leaves) == frontier.root()
    assert reader.inclusion_proof(index) == naive_path(index, leaves)
    expected = [] if old == 0 else naive_subproof(old, leaves, True)
    assert reader.consistency_proof(old) == expected


def test_reader_falls_back_to_leaves_when_nodes_are_missing() -> None:
    leaves = make_leaves(300, salt=4)
    reader = TreeReader(300, lambda s, e: leaves[s:e], lambda lv, ix: None, node_min_level=2)
    assert reader.inclusion_proof(123) == naive_path(123, leaves)
    with pytest.raises(ValueError):
        TreeReader(300, lambda s, e: leaves[s : e - 1]).inclusion_proof(5)
    with pytest.raises(ValueError):
        reader.subtree_hash(3, 9)  # not an RFC 9162 subtree


def test_compact_range_is_the_frontier() -> None:
    assert merkle.CompactRange is MerkleFrontier
