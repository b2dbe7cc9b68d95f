"""RFC 9162 (Certificate Transparency v2) Merkle tree for the consent ledger.

Why this module exists: a resident, a partner or an auditor must be able to
check, without trusting our database, that a consent event is part of the
ledger (inclusion proof) and that the ledger only ever grew (consistency proof
between two signed checkpoints). We use the exact hashing of RFC 9162 section
2.1 so that any independent CT/tlog verifier agrees with our roots:

* leaf hash  ``SHA-256(0x00 || data)``
* node hash  ``SHA-256(0x01 || left || right)``
* the root of the empty tree is ``SHA-256("")``.

The ledger can hold millions of events, so nothing here needs all leaves in
memory:

* :class:`MerkleFrontier` keeps only the O(log n) hashes of the perfect
  subtrees that make up ``[0, size)``. The sequencer loads it from the last
  checkpoint, appends a batch and gets the new root in O(batch + log n). It can
  also hand back the hashes of perfect subtrees it completes, so the caller can
  store them (see :data:`NODE_STORE_MIN_LEVEL`).
* :class:`TreeReader` builds proofs from two callbacks: one that reads leaf
  hashes by position range and, optionally, one that returns stored subtree
  hashes. With stored nodes from level 8 up, a proof in a tree of a million
  leaves reads at most a few hundred leaf hashes instead of all of them.

The module-level functions (:func:`root`, :func:`inclusion_proof`, ...) are the
convenient forms for a list of leaf hashes held in memory.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "NODE_STORE_MIN_LEVEL",
    "CompactRange",
    "MerkleFrontier",
    "StoredNode",
    "TreeReader",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT: bytes = hashlib.sha256(b"").digest()

#: Subtrees of 2**8 = 256 leaves and bigger are worth storing: it costs about
#: one stored hash per 128 leaves and bounds the leaves a proof reads to 2 * 256.
NODE_STORE_MIN_LEVEL = 8

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_sha256 = hashlib.sha256

#: ``(start, end) -> leaf hashes of positions start .. end-1`` in order.
LeafHashFetcher = Callable[[int, int], Sequence[bytes]]
#: ``(level, index) -> hash of the perfect subtree of 2**level leaves starting
#: at index * 2**level``, or ``None`` when it was not stored.
NodeHashFetcher = Callable[[int, int], "bytes | None"]
#: A completed perfect subtree: ``(level, index, hash)``.
StoredNode = tuple[int, int, bytes]


def leaf_hash(data: bytes) -> bytes:
    """Hash of a leaf: the 0x00 prefix keeps leaves and inner nodes apart."""
    return _sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash of an inner node from its two children."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """The k of RFC 9162: the largest power of two strictly smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_hashes(hashes: Iterable[bytes]) -> None:
    for value in hashes:
        if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
            raise ValueError("every hash must be 32 bytes")


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes | bytearray) and len(value) == HASH_SIZE


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _perfect_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Root of a perfect (power-of-two sized) run of leaf hashes, level by level."""
    level = list(leaf_hashes)
    while len(level) > 1:
        level = [
            _sha256(_NODE_PREFIX + level[i] + level[i + 1]).digest()
            for i in range(0, len(level), 2)
        ]
    return level[0]


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Merkle tree hash (MTH) of the given leaf hashes, in O(n) time and O(log n) memory."""
    _check_hashes(leaf_hashes)
    frontier = MerkleFrontier()
    frontier.extend(leaf_hashes)
    return frontier.root()


@dataclass
class MerkleFrontier:
    """The right edge of a tree: one hash per set bit of ``size`` (largest subtree first).

    This is the "compact range" ``[0, size)``. It is all the sequencer needs to
    keep between batches, and it is stored with each checkpoint as JSON so the
    next batch starts from there without re-reading old leaves.
    """

    size: int = 0
    hashes: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not _is_size(self.size):
            raise ValueError("size must be a non-negative integer")
        if len(self.hashes) != self.size.bit_count():
            raise ValueError("a frontier holds exactly one hash per set bit of its size")
        _check_hashes(self.hashes)
        self.hashes = [bytes(value) for value in self.hashes]

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash."""
        self.extend((leaf,))

    def extend(
        self, leaf_hashes: Iterable[bytes], store_min_level: int | None = None
    ) -> list[StoredNode]:
        """Append leaf hashes in order; return the perfect subtrees completed on the way.

        Only subtrees of level >= ``store_min_level`` are returned (none when it
        is ``None``), so the caller can persist them for fast proofs.
        """
        hashes, size = self.hashes, self.size
        completed: list[StoredNode] = []
        keep = store_min_level is not None
        min_level = store_min_level if store_min_level is not None else 0
        for leaf in leaf_hashes:
            if len(leaf) != HASH_SIZE:
                raise ValueError("every hash must be 32 bytes")
            current = bytes(leaf)
            position, level = size, 0
            while position & 1:
                current = _sha256(_NODE_PREFIX + hashes.pop() + current).digest()
                position >>= 1
                level += 1
                if keep and level >= min_level:
                    completed.append((level, position, current))
            hashes.append(current)
            size += 1
        self.size = size
        return completed

    def root(self) -> bytes:
        """Root hash of the tree of ``size`` leaves."""
        if not self.hashes:
            return EMPTY_ROOT
        current = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            current = _sha256(_NODE_PREFIX + left + current).digest()
        return current

    def copy(self) -> MerkleFrontier:
        """An independent copy (appending to it leaves this one unchanged)."""
        return MerkleFrontier(self.size, list(self.hashes))

    def to_json(self) -> str:
        """Serialise for storage next to a checkpoint."""
        return json.dumps(
            {"size": self.size, "hashes": [h.hex() for h in self.hashes]}, separators=(",", ":")
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> MerkleFrontier:
        """Load a frontier stored by :meth:`to_json`; raises ``ValueError`` when malformed."""
        try:
            data = json.loads(text)
            size = data["size"]
            hashes = [bytes.fromhex(value) for value in data["hashes"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"not a stored Merkle frontier: {exc}") from exc
        return cls(size, hashes)


#: RFC 9162 does not name this structure; both names are in common use.
CompactRange = MerkleFrontier


class TreeReader:
    """Proofs and roots for a tree of ``size`` leaves read through callbacks.

    ``get_leaf_hashes(start, end)`` returns the leaf hashes of positions
    ``start .. end-1``. ``get_node_hash(level, index)`` may return the stored
    hash of a perfect subtree of level >= ``node_min_level`` (as produced by
    :meth:`MerkleFrontier.extend`); when it returns ``None`` or is not given,
    the hash is computed from the leaves instead.
    """

    def __init__(
        self,
        size: int,
        get_leaf_hashes: LeafHashFetcher,
        get_node_hash: NodeHashFetcher | None = None,
        node_min_level: int = NODE_STORE_MIN_LEVEL,
    ) -> None:
        if not _is_size(size):
            raise ValueError("size must be a non-negative integer")
        self.size = size
        self._leaves = get_leaf_hashes
        self._nodes = get_node_hash
        self._node_min_level = node_min_level

    # -- subtree hashes ---------------------------------------------------
    def _fetch_leaves(self, start: int, end: int) -> Sequence[bytes]:
        leaves = self._leaves(start, end)
        if len(leaves) != end - start:
            raise ValueError(f"leaf source returned {len(leaves)} hashes for [{start}, {end})")
        _check_hashes(leaves)
        return leaves

    def _perfect_hash(self, level: int, index: int) -> bytes:
        if self._nodes is not None and level >= self._node_min_level:
            stored = self._nodes(level, index)
            if stored is not None:
                if not _is_hash(stored):
                    raise ValueError("node source returned a malformed hash")
                return bytes(stored)
        start = index << level
        return _perfect_root(self._fetch_leaves(start, start + (1 << level)))

    def subtree_hash(self, start: int, end: int) -> bytes:
        """MTH of leaves ``[start, end)``, a subtree as RFC 9162 proofs use them.

        Such a range starts at a multiple of a power of two that is at least its
        length, so it splits into perfect subtrees of decreasing size whose
        hashes fold from the right into its root.
        """
        if not 0 <= start < end <= self.size:
            raise ValueError(f"[{start}, {end}) is not a non-empty range of the tree")
        width = 1 << (end - start - 1).bit_length()
        if start % width:
            raise ValueError(f"[{start}, {end}) is not an RFC 9162 subtree")
        parts: list[bytes] = []
        position = start
        while position < end:
            level = (end - position).bit_length() - 1
            parts.append(self._perfect_hash(level, position >> level))
            position += 1 << level
        current = parts[-1]
        for left in reversed(parts[:-1]):
            current = node_hash(left, current)
        return current

    def root(self) -> bytes:
        """Root of the whole tree."""
        return EMPTY_ROOT if self.size == 0 else self.subtree_hash(0, self.size)

    # -- proofs -----------------------------------------------------------
    def inclusion_proof(self, index: int) -> list[bytes]:
        """Audit path of leaf ``index`` (RFC 9162 section 2.1.3.1), nearest sibling first."""
        if not _is_size(index) or index >= self.size:
            raise ValueError(f"leaf {index} is not in a tree of {self.size}")
        path: list[bytes] = []
        start, end = 0, self.size
        while end - start > 1:
            middle = start + _largest_power_of_two_below(end - start)
            if index < middle:
                path.append(self.subtree_hash(middle, end))
                end = middle
            else:
                path.append(self.subtree_hash(start, middle))
                start = middle
        path.reverse()
        return path

    def consistency_proof(self, old_size: int) -> list[bytes]:
        """Proof that the first ``old_size`` leaves are a prefix (RFC 9162 section 2.1.4.1)."""
        if not _is_size(old_size) or old_size > self.size:
            raise ValueError(f"old size {old_size} is not within a tree of {self.size}")
        if old_size in (0, self.size):
            return []
        path: list[bytes] = []
        start, end, remaining, whole = 0, self.size, old_size, True
        while remaining != end - start:
            middle = start + _largest_power_of_two_below(end - start)
            if remaining <= middle - start:
                path.append(self.subtree_hash(middle, end))
                end = middle
            else:
                path.append(self.subtree_hash(start, middle))
                remaining -= middle - start
                start = middle
                whole = False
        if not whole:
            path.append(self.subtree_hash(start, end))
        path.reverse()
        return path


def _reader_for(leaf_hashes: Sequence[bytes], tree_size: int | None) -> TreeReader:
    size = len(leaf_hashes) if tree_size is None else tree_size
    if size > len(leaf_hashes):
        raise ValueError(f"tree size {size} exceeds the {len(leaf_hashes)} leaves given")
    return TreeReader(size, lambda start, end: leaf_hashes[start:end])


def inclusion_proof(
    index: int, leaf_hashes: Sequence[bytes], tree_size: int | None = None
) -> list[bytes]:
    """Audit path of leaf ``index`` in the tree of the first ``tree_size`` leaf hashes."""
    return _reader_for(leaf_hashes, tree_size).inclusion_proof(index)


def consistency_proof(old_size: int, new_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Consistency proof from the tree of ``old_size`` leaves to the one of ``new_size``."""
    return _reader_for(leaf_hashes, new_size).consistency_proof(old_size)


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """Check an audit path with the algorithm of RFC 9162 section 2.1.3.2.

    Returns ``False`` (never raises) for any malformed input, so callers can use
    it directly on data received from outside.
    """
    if not (_is_size(index) and _is_size(tree_size) and index < tree_size):
        return False
    if not (_is_hash(leaf) and _is_hash(root_hash)):
        return False
    if not isinstance(proof, Sequence) or not all(_is_hash(p) for p in proof):
        return False
    fn, sn, r = index, tree_size - 1, bytes(leaf)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check a consistency proof with the algorithm of RFC 9162 section 2.1.4.2.

    The two degenerate cases the RFC leaves to the caller: equal sizes need an
    empty proof and equal roots; an old size of 0 needs an empty proof and the
    empty-tree root. Returns ``False`` for any malformed input.
    """
    if not (_is_size(old_size) and _is_size(new_size) and old_size <= new_size):
        return False
    if not (_is_hash(old_root) and _is_hash(new_root)):
        return False
    if not isinstance(proof, Sequence) or not all(_is_hash(p) for p in proof):
        return False
    if old_size == new_size:
        return len(proof) == 0 and old_root == new_root
    if old_size == 0:
        return len(proof) == 0 and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, bytes(old_root))
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
