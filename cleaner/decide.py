"""Decide per block (model and rules combined), then revise with the neighbours."""

from __future__ import annotations

import numpy as np

from .rules import first_match
from .types import ARTICLE, CATEGORIES, Block, Verdict

#: A rule's verdict is certain.
RULE_SCORE = 1.0
#: A bullet or short line next to removed blocks goes with them from this score on.
NEIGHBOUR_MIN_SCORE = 0.25
#: A kept block the model doubted, from this score on, goes with the junk around it (see
#: `_doubted`). Below it, prose beside junk stays ("No comment yet from Moscow." between
#: share buttons).
DOUBTED_SCORE = 0.35
#: Lines of at most this many words and characters count as short for the neighbour revision
#: (characters too: a line of Japanese has no spaces).
SHORT_WORDS = 8
SHORT_CHARS = 60
#: A block of at most this many words just above a lone photo credit is its caption,
#: unless the model is sure it is article (a credit can follow a paragraph by accident)
#: and the block is printed once: a block printed twice above a credit is a caption.
CAPTION_WORDS = 60
CAPTION_MIN_SCORE = 0.2
#: Off-topic needs a topic: the model's off-topic calls stand where at least this many
#: article blocks are left around them.
MIN_TOPIC_BLOCKS = 2
#: What ends a sentence, or a line that is whole without one (a lead-in, a quote).
_SENTENCE_ENDS = set(".!?:;\"'”’)…")


def is_short(block: Block) -> bool:
    """A line short enough to be a bullet, button or label."""
    return len(block.text) <= SHORT_CHARS and len(block.text.split()) <= SHORT_WORDS


def hangs_on(block: Block) -> bool:
    """A bullet, or a short line that is not a sentence ("Get Netflix Login Now", "Works on TV"):
    what a pitch is made of. "No comment yet from Moscow." is prose, and stands on its own."""
    return block.tag == "li" or (is_short(block) and not block.text.rstrip().endswith("."))


def decide(
    blocks: tuple[Block, ...], junk: np.ndarray, categories: np.ndarray, *, threshold: float
) -> tuple[Verdict, ...]:
    """First phase: each block on its own, a rule's verdict over the model's.

    A bullet or short line takes its category with its junk neighbours' in view: the model
    cannot tell what "• Works on mobile" sells, its pitch can.
    """
    weighted = categories * junk[:, None]
    # Every block's categories with half its neighbours' junk, in one go; bullets and short lines take them.
    edge = np.zeros((1, categories.shape[1]))
    with_neighbours = categories + 0.5 * np.vstack([edge, weighted[:-1]]) + 0.5 * np.vstack([weighted[1:], edge])
    pitched = np.array([block.tag == "li" or is_short(block) for block in blocks], dtype=bool).reshape(-1, 1)
    likeliest = np.argmax(np.where(pitched, with_neighbours, categories), axis=1).tolist()
    verdicts = []
    for block, score, k in zip(blocks, junk.tolist(), likeliest):
        hit = first_match(block.text)
        if hit:
            name, category = hit
            verdicts.append(Verdict(category, RULE_SCORE, f"rule:{name}"))
        elif score >= threshold:
            category = CATEGORIES[k]
            verdicts.append(Verdict(category, score, f"model:{category}"))
        else:
            verdicts.append(Verdict(ARTICLE, score, "model:article"))
    return tuple(verdicts)


#: A figure caption (a block tagged "caption", from a <figcaption>) is what its element says.
FIGCAPTION = Verdict("caption", RULE_SCORE, "rule:figcaption")


def with_figcaptions(blocks: tuple[Block, ...], verdicts: tuple[Verdict, ...]) -> tuple[Verdict, ...]:
    """The verdicts of all `blocks` from those of the blocks the model judged (all but the
    figure captions, in order; see `segment.judged`): a caption is removed as such."""
    judged = iter(verdicts)
    return tuple(FIGCAPTION if block.tag == "caption" else next(judged) for block in blocks)


def with_repeats(
    verdicts: tuple[Verdict, ...], categories: np.ndarray, pages: tuple[int | None, ...]
) -> tuple[tuple[Verdict, ...], tuple[str, ...]]:
    """Blocks that recur on many pages of their site are boilerplate: removed, as the model's
    likeliest junk category, with their page count; and notes for the report.

    `pages` holds, per block, its page count (0 below the minimum), or None for a block not
    counted (short, a heading). A page whose kept counted blocks all recur is the same page
    again (a duplicate, a mirror): repetition says nothing about its blocks, and is not used.
    """
    if not any(pages):
        return verdicts, ()
    if all(n for n, v in zip(pages, verdicts) if n is not None and not v.is_junk):
        return verdicts, ("every block recurs on other pages of the site: repetition not used",)
    out = []
    for verdict, n, cats in zip(verdicts, pages, categories):
        if not n:
            out.append(verdict)
        elif verdict.is_junk:
            out.append(Verdict(verdict.label, verdict.score, verdict.reason, n))
        else:
            category = CATEGORIES[int(np.argmax(cats))]
            out.append(Verdict(category, verdict.score, f"repeated:{category}", n))
    return tuple(out), ()


def revise(blocks: tuple[Block, ...], verdicts: tuple[Verdict, ...], categories: np.ndarray) -> tuple[Verdict, ...]:
    """Second phase: blocks that belong to the junk next to them go with it; off-topic needs
    a topic to be off; a sentence cut across blocks stays whole. `categories` are the model's
    category probabilities of the blocks (as for `decide`)."""
    return _one_sentence(blocks, _with_topic(_doubted(_with_pitch(blocks, _above_credit(blocks, verdicts)), categories)))


def continues(block: Block, following: Block) -> bool:
    """`following` carries on the sentence `block` breaks off ("…secured qualification for" /
    "against Olympiakos on Wednesday."): `block` ends without a sentence's end and `following`
    starts in lower case or with a comma and ends the sentence, as where a scraper cut a link
    out of a sentence. (A lower-case line that ends no sentence is as often a product in a
    list of deals, or "also read | …".)

    >>> cut = lambda *texts: [Block(i, text, 0, len(text)) for i, text in enumerate(texts)]
    >>> continues(*cut("On Tuesday,", "finished top of their group."))
    True
    >>> continues(*cut("Share this", "Facebook"))
    False
    """
    end, start = block.text.rstrip()[-1:], following.text.lstrip()[:1]
    closes = following.text.rstrip().rstrip("\"'”’)").endswith((".", "!", "?"))
    return bool(end) and end not in _SENTENCE_ENDS and (start.islower() or start in ",;") and closes


def _cut(blocks: tuple[Block, ...], i: int) -> bool:
    """Block i is a part of a sentence cut across blocks: no bullet, whatever its length."""
    return (i + 1 < len(blocks) and continues(blocks[i], blocks[i + 1])) or (i > 0 and continues(blocks[i - 1], blocks[i]))


def _one_sentence(blocks: tuple[Block, ...], verdicts: tuple[Verdict, ...]) -> tuple[Verdict, ...]:
    """A sentence cut across blocks (see `continues`) is kept whole where the model keeps a
    part of it: the parts alone read as headline fragments and buttons."""
    cuts = [i for i in range(len(blocks) - 1) if continues(blocks[i], blocks[i + 1])]
    if not cuts:
        return verdicts
    out = list(verdicts)
    for _ in range(2):  # a sentence cut in three is reached in two sweeps
        for i in cuts:
            for a, b in ((i, i + 1), (i + 1, i)):
                if not out[a].is_junk and out[b].is_junk and not out[b].reason.startswith(("rule:", "repeated:")):
                    out[b] = Verdict(ARTICLE, out[b].score, "context:sentence-continues")
    return tuple(out)


def _doubted(verdicts: tuple[Verdict, ...], categories: np.ndarray) -> tuple[Verdict, ...]:
    """A kept block whose score is at least DOUBTED_SCORE goes with the junk around it, as
    the category of its surer junk neighbour: between two removed blocks (another story's
    paragraph between its photo credit and the next promo), or as the last kept block, with
    only junk after it (filler appended to the story, above the comment form). A block whose
    likeliest category (`categories`) is off-topic stays off-topic: prose, not a part of the
    comment form below it."""
    tail = len(verdicts)  # where the run of junk that ends the document starts
    while tail and verdicts[tail - 1].is_junk:
        tail -= 1
    out = list(verdicts)
    for i in range(min(tail, len(verdicts) - 1)):
        verdict, after = verdicts[i], verdicts[i + 1]
        between = i > 0 and verdicts[i - 1].is_junk
        if verdict.is_junk or verdict.score < DOUBTED_SCORE or not after.is_junk or not (between or i + 1 == tail):
            continue
        neighbour = max(verdicts[i - 1], after, key=lambda v: v.score) if between else after
        label = "offtopic" if CATEGORIES[int(np.argmax(categories[i]))] == "offtopic" else neighbour.label
        out[i] = Verdict(label, verdict.score, f"context:{label}")
    return tuple(out)


def _with_topic(verdicts: tuple[Verdict, ...]) -> tuple[Verdict, ...]:
    """A block is off the topic of the article around it: with fewer than MIN_TOPIC_BLOCKS
    article blocks left in the document, the model's off-topic calls have nothing to be off
    (one paragraph is no topic to tell another from), and are kept."""
    if sum(not v.is_junk for v in verdicts) >= MIN_TOPIC_BLOCKS:
        return verdicts
    return tuple(Verdict(ARTICLE, v.score, "context:no-topic-to-be-off") if v.reason == "model:offtopic" else v for v in verdicts)


def _above_credit(blocks: tuple[Block, ...], verdicts: tuple[Verdict, ...]) -> tuple[Verdict, ...]:
    """A lone photo credit ("Reuters") closes a caption: the block above it, and its
    repetitions just above that (captions are often printed twice), are the caption.
    A paragraph can be followed by a credit by accident, so a block printed once needs
    some junk score; a block printed twice just above a credit is a caption whatever
    the model says (the same sentence twice in a row is no article's prose)."""
    out = list(verdicts)
    for i, verdict in enumerate(verdicts):
        if verdict.reason != "rule:credit-line":
            continue
        j = i - 1
        if j < 0 or len(blocks[j].text.split()) > CAPTION_WORDS:
            continue
        if not out[j].is_junk:
            printed_twice = j > 0 and blocks[j - 1].text == blocks[j].text
            if out[j].score < CAPTION_MIN_SCORE and not printed_twice:
                continue
            out[j] = Verdict("caption", out[j].score, "context:caption-above-credit")
        # its copies printed just above it, whether the model or the credit found the caption
        while j > 0 and not out[j - 1].is_junk and blocks[j - 1].text == blocks[j].text:
            j -= 1
            out[j] = Verdict("caption", out[j].score, "context:caption-above-credit")
    return tuple(out)


def _with_pitch(blocks: tuple[Block, ...], verdicts: tuple[Verdict, ...]) -> tuple[Verdict, ...]:
    """Bullets and short lines (see `hangs_on`) sandwiched by or hanging on junk go with it.

    The Netflix pitch is a header, a sentence, bullets and a button: the model may be sure of
    the header and the sentence only. A kept bullet or short line whose neighbour is removed,
    and whose own score is not low, takes that neighbour's category.
    """
    out = list(verdicts)
    for _ in range(2):  # a run of bullets is reached from both ends in two sweeps
        for i, (block, verdict) in enumerate(zip(blocks, out)):
            if verdict.is_junk or verdict.score < NEIGHBOUR_MIN_SCORE:
                continue
            if not hangs_on(block) or _cut(blocks, i):
                continue
            neighbours = [out[j] for j in (i - 1, i + 1) if 0 <= j < len(out) and out[j].is_junk]
            if not neighbours:
                continue
            category = max(neighbours, key=lambda v: v.score).label
            out[i] = Verdict(category, verdict.score, f"context:{category}")
    return tuple(out)
