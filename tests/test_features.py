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
