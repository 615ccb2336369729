"""The same text at two outlets: the plan on the issuing department's page and in the newspaper
(seed documents 000 and 001), a notice on the city portal and on the bureau's site.

Finding them without comparing every pair: each document's folded text is cut into overlapping
8-character shingles, and the hashes that fall on a fixed residue (one in ``SAMPLE``) are kept as
its *anchors*. Two texts sharing a passage share that passage's anchors whatever else either one
contains (containment, not Jaccard: the newspaper prints one section of the plan beside other
news), and a sampled hash is sampled in both texts alike. Anchors live in ``text_anchors`` with
their document frequency in ``text_anchor_counts``, so candidates are one indexed query over a
document's rarest shared anchors, bounded however large the archive grows. Stock phrases
(坚持以习近平新时代中国特色社会主义思想为指导…) give unrelated documents a few shared anchors, so
candidates are then confirmed by the diff: aligned paragraphs form runs, and the longest run with
small gaps is the shared passage; a link needs a long enough passage, similar enough inside,
covering enough of the shorter text.

What differs between the outlets is the passage diffed (``OutletMatch.passage``), rendered like
any other diff (``monitor.diffview``).
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from monitor.diff import ParagraphDiff, TextDiff, diff_texts
from monitor.folding import fold_display, text_key
from monitor.store.db import Database
from monitor.store.outlets import OutletStore
from monitor.store.records import LinkedDocumentRecord
from monitor.store.repository import Repository

log = logging.getLogger(__name__)

SHINGLE = 8             # folded characters per shingle: longer than most stock phrases' words
SAMPLE = 32             # one shingle hash in SAMPLE is an anchor (~300 for a 10,000-char text)
MIN_ANCHORS = 6         # anchors two documents must share to be compared at all
ANCHOR_SHARE = 0.1      # ... and that share of the smaller document's anchors (000/001: 28%;
#                         unrelated seeds: under 3%)
MAX_CANDIDATES = 10     # documents confirmed per indexing, most shared anchors first
RARE_ANCHORS = 64       # shared anchors asked about per lookup, the rarest first
COMMON_ANCHOR = 1000    # an anchor carried by more documents than this is a stock phrase
MIN_SHARED_CHARS = 300  # a shared passage shorter than this is a quotation, not the document
MIN_OVERLAP = 0.2       # share of the shorter text the passage must cover
MIN_SIMILARITY = 0.8    # similarity inside the passage
MAX_GAP_CHARS = 120     # unaligned characters a passage may step over (a page-break note)


@dataclass(frozen=True)
class OutletMatch:
    """How two texts overlap: the shared passage diffed (first text old, second new)."""

    passage: TextDiff
    similarity: float    # inside the passage
    overlap: float       # matched characters / characters of the shorter text
    shared_chars: int    # matched folded characters in the passage

    @property
    def linked(self) -> bool:
        return (self.shared_chars >= MIN_SHARED_CHARS and self.overlap >= MIN_OVERLAP
                and self.similarity >= MIN_SIMILARITY)


# ---------------------------------------------------------------------------------- anchors

def anchors(text: str) -> tuple[int, set[int]]:
    """(length of the folded text, its anchor hashes as signed 64-bit integers)."""
    key = text_key(text)
    found: set[int] = set()
    for i in range(len(key) - SHINGLE + 1):
        shingle = key[i:i + SHINGLE].encode("utf-8")
        # crc32 decides cheaply which shingles are sampled; blake2b gives the stored hash
        # 64 bits, so unrelated shingles of a large archive do not collide.
        if zlib.crc32(shingle) % SAMPLE == 0:
            digest = hashlib.blake2b(shingle, digest_size=8).digest()
            found.add(int.from_bytes(digest, "big", signed=True))
    return len(key), found


# --------------------------------------------------------------------------------- passage

@dataclass
class _Tally:
    matched: int = 0
    old: int = 0
    new: int = 0


def _count(para: ParagraphDiff) -> _Tally:
    if para.op == "equal":
        n = len(fold_display(para.new))
        return _Tally(n, n, n)
    if para.op == "insert":
        return _Tally(0, 0, len(fold_display(para.new)))
    if para.op == "delete":
        return _Tally(0, len(fold_display(para.old)), 0)
    matched = sum(len(fold_display(s.new)) for s in para.segments if s.op == "equal")
    return _Tally(matched, len(fold_display(para.old)), len(fold_display(para.new)))


def match_texts(first: str, second: str) -> OutletMatch:
    """Find the passage two texts share and diff it."""
    diff = diff_texts(first, second)
    tallies = [_count(p) for p in diff.paragraphs]
    total_old = sum(t.old for t in tallies)
    total_new = sum(t.new for t in tallies)
    best: tuple[int, int, int] = (0, 0, -1)  # (matched, start, end)
    start, matched, gap = None, 0, 0
    last_aligned = -1
    for i, (para, tally) in enumerate(zip(diff.paragraphs, tallies, strict=True)):
        if para.op in ("equal", "replace"):
            if start is None:
                start, matched = i, 0
            matched += tally.matched
            gap, last_aligned = 0, i
            if matched > best[0]:
                best = (matched, start, last_aligned)
            continue
        gap += tally.old + tally.new
        if start is not None and gap > MAX_GAP_CHARS:
            start, matched = None, 0
    shared, first_i, last_i = best
    chosen = diff.paragraphs[first_i:last_i + 1]
    inside = tallies[first_i:last_i + 1]
    size = sum(t.old + t.new for t in inside)
    similarity = 2 * shared / size if size else 0.0
    shorter = min(total_old, total_new)
    passage = TextDiff(tuple(chosen), round(similarity, 4),
                       tuple(n for p in chosen for n in p.numbers))
    return OutletMatch(passage, round(similarity, 4),
                       round(shared / shorter, 4) if shorter else 0.0, shared)


# ------------------------------------------------------------------------------ archive side

def link_document(database: Database, document_id: int, *,
                  now: datetime | None = None) -> list[int]:
    """Index a document's current text and (re)link it to documents carrying the same text;
    returns the ids it is linked to now."""
    now = now or datetime.now(UTC)
    with database.session() as session:
        repo, store = Repository(session), OutletStore(session)
        doc = repo.get_document(document_id)
        version = repo.get_version(doc.current_version_id) if doc and doc.current_version_id \
            else None
        if doc is None or version is None:
            return []
        chars, hashes = anchors(version.text)
        store.replace_anchors(doc.id, version.id, chars, hashes, now)
        found, asked = store.candidates(doc.id, hashes, min_shared=MIN_ANCHORS,
                                        limit=MAX_CANDIDATES * 3, sample=RARE_ANCHORS,
                                        max_documents=COMMON_ANCHOR)
        sizes = store.indexed_chars(other for other, _ in found)
        candidates = [other for other, shared in found
                      if shared >= ANCHOR_SHARE * min(asked, sizes.get(other, (0, 0))[1])]
        to_check = list(dict.fromkeys([*candidates[:MAX_CANDIDATES], *store.linked_ids(doc.id)]))
        linked = []
        for other_id in to_check:
            other = repo.get_document(other_id)
            other_version = repo.get_version(other.current_version_id) \
                if other and other.current_version_id else None
            if other is None or other_version is None:
                continue
            match = match_texts(version.text, other_version.text)
            if match.linked:
                store.save_link(doc.id, other.id, similarity=match.similarity,
                                overlap=match.overlap, shared_chars=match.shared_chars,
                                a_version=version.n, b_version=other_version.n, now=now)
                linked.append(other.id)
                # DEBUG: a crawl of a column that republishes sections links dozens of pages;
                # the web page and `govwatch outlets` show them.
                log.debug("document %d carries the text of document %d (%s, similarity %.3f)",
                         doc.id, other.id, other.url, match.similarity)
            else:
                store.drop_link(doc.id, other.id)
        return linked


def index_all(database: Database, *, batch: int = 200) -> int:
    """Index and link every document whose anchors are missing or stale (an archive from
    before outlet matching, or after ``govwatch reextract``); returns how many were indexed."""
    done, after = 0, 0
    while True:
        with database.session() as session:
            todo = OutletStore(session).documents_to_index(after, batch)
        if not todo:
            return done
        for document_id, _ in todo:
            link_document(database, document_id)
            done += 1
        after = todo[-1][0]


def linked_documents(database: Database, document_id: int) -> list[LinkedDocumentRecord]:
    """For the web page: the documents that carry the same text as this one, most similar
    first, each with its similarity, overlap and the versions compared."""
    with database.session() as session:
        return OutletStore(session).links(document_id)


def outlet_diff(database: Database, document_id: int, other_id: int) -> OutletMatch | None:
    """What differs between two outlets' current texts: the shared passage, diffed with this
    document as the old side and the other as the new."""
    with database.session() as session:
        repo = Repository(session)
        texts = []
        for doc_id in (document_id, other_id):
            doc = repo.get_document(doc_id)
            version = repo.get_version(doc.current_version_id) \
                if doc and doc.current_version_id else None
            if version is None:
                return None
            texts.append(version.text)
    return match_texts(texts[0], texts[1])
