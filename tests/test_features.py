"""What the block features are for, on small hand-made cases."""

import numpy as np

from cleaner import features
from cleaner.segment import segment_text


def _column(word: str) -> int:
    return int(features._hashes([features.topic_word(word)])[0] % features.TOPIC_FEATURES)


def test_latent_topics_find_a_paragraph_on_another_subject_though_no_word_is_shared():
    # two latent topics: money and football; no two blocks below share a topic word
    money, football = ("shares", "profits", "investors", "bank"), ("goal", "striker", "match", "league")
    columns = np.array(sorted(_column(w) for w in money + football))
    components = np.zeros((2, len(columns)), dtype=np.float32)
    for topic, words in enumerate((money, football)):
        for word in words:
            components[topic, np.searchsorted(columns, _column(word))] = 1.0
    projection = features.Projection(columns, components)
    doc = segment_text("Shares rose sharply.\n\nProfits beat forecasts.\n\nInvestors cheered the bank.\n\nThe striker scored a late goal.")
    _, dense, _ = features.block_features([doc], None, projection)
    latent = dense[:, features.DENSE_NAMES.index("topic_coherence")]
    lexical = dense[:, features.DENSE_NAMES.index("coherence")]
    assert np.allclose(lexical, 0.0)  # shared words cannot tell them apart
    # a money block against two money blocks and one football block: cos = 2 / sqrt(5)
    assert np.allclose(latent, [2 / np.sqrt(5)] * 3 + [0.0])


def test_without_latent_topics_their_coherence_is_unknown():
    doc = segment_text("Shares rose sharply.\n\nProfits beat forecasts.")
    _, dense, _ = features.block_features([doc])
    assert (dense[:, features.DENSE_NAMES.index("topic_coherence")] == -1).all()


def test_topic_standing_ranks_the_least_coherent_block_of_each_document_lowest():
    coherence = np.array([0.5, -1.0, 0.2, 0.9, 0.3, 0.1, 0.4])
    rank, gap = features._topic_standing(coherence, np.array([5, 2]))
    # document one: 0.2 < 0.3 < 0.5 < 0.9 among its four known blocks; the unknown block is -1
    assert np.allclose(rank[:5], [2 / 3, -1.0, 0.0, 1.0, 1 / 3])
    assert np.allclose(gap[:5], [0.1, 0.0, -0.2, 0.5, -0.1])  # from their median, 0.4
    # document two is ranked on its own: its 0.1 is not below the 0.2 of document one
    assert np.allclose(rank[5:], [0.0, 1.0])


def test_a_block_alone_with_a_known_coherence_has_no_standing():
    rank, gap = features._topic_standing(np.array([0.7, -1.0]), np.array([2]))
    assert np.allclose(rank, [-1.0, -1.0]) and np.allclose(gap, [0.0, 0.0])


def test_voice_agreement_tells_a_paragraph_told_in_another_voice():
    # a how-to told to "you", with a news paragraph of another story pasted into it; then a
    # German how-to told to "du" ("Sie", she, they or formal you, is in no voice)
    how_to = segment_text(
        "Give your rabbits space. They need room to run.\n\n"
        "Hay should make up the bulk of their diet, so put a pile in your pen every day.\n\n"
        "The minister said he would resign, and his party told reporters it backed him.\n\n"
        "No voice here at all."
    )
    german = segment_text("Gieß deine Tomaten am Morgen.\n\nDein Beet dankt es dir.")
    _, dense, _ = features.block_features([how_to, german])
    voice = dense[:, features.DENSE_NAMES.index("voice")]
    # the how-to's two paragraphs share their voice: each against the other plus the pasted
    # paragraph, unit vectors all, cos = 1 / sqrt(2)
    assert np.allclose(voice[:2], 1 / np.sqrt(2))
    assert voice[2] == 0.0  # the pasted paragraph shares none of it
    assert voice[3] == -1.0  # unknown, not disagreeing
    assert np.allclose(voice[4:], 1.0)  # the documents of a batch are read apart
