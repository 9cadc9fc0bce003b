import numpy as np

from cleaner.decide import decide, revise
from cleaner.segment import segment_text
from cleaner.types import ARTICLE, CATEGORIES, Verdict

AD = np.eye(len(CATEGORIES))[CATEGORIES.index("ad")]
OFF = np.eye(len(CATEGORIES))[CATEGORIES.index("offtopic")]


def ads(doc):
    """Category probabilities that call every block of `doc` an ad."""
    return np.tile(AD, (len(doc.blocks), 1))


def test_decide_uses_threshold_rules_and_neighbour_categories():
    doc = segment_text("Story text goes here and on.\nGet free logins now!\n• Works on TV\nLeave a Reply")
    junk = np.array([0.1, 0.9, 0.6, 0.2])
    cats = np.vstack([OFF, AD, OFF * 0.6 + AD * 0.4, OFF])
    verdicts = decide(doc.blocks, junk, cats, threshold=0.5)
    assert [v.label for v in verdicts] == [ARTICLE, "ad", "ad", "comments"]
    assert verdicts[3].reason == "rule:comment-form" and verdicts[3].score == 1.0
    assert verdicts[1].reason == "model:ad"
    assert [v.label for v in decide(doc.blocks, junk, cats, threshold=0.95)][:3] == [ARTICLE] * 3


def test_revise_pulls_bullets_into_their_pitch_but_not_long_paragraphs():
    doc = segment_text("Get it now!\n• one\n• two\nA long article paragraph that has many more words than a bullet.")
    verdicts = (
        Verdict("ad", 0.9, "model:ad"),
        Verdict(ARTICLE, 0.3, "model:article"),
        Verdict(ARTICLE, 0.3, "model:article"),
        Verdict(ARTICLE, 0.4, "model:article"),
    )
    revised = revise(doc.blocks, verdicts, ads(doc))
    assert [v.label for v in revised] == ["ad", "ad", "ad", ARTICLE]
    assert revised[2].reason == "context:ad"


def test_a_short_sentence_beside_junk_is_prose_not_part_of_the_pitch():
    doc = segment_text("Share this article\nNo comment yet from Moscow.\nShare on X")
    verdicts = (Verdict("social", 0.9, "model:social"), Verdict(ARTICLE, 0.3, "model:article"), Verdict("social", 0.9, "model:social"))
    assert revise(doc.blocks, verdicts, ads(doc))[1] == verdicts[1]
    button = segment_text("Share this article\nShare on Facebook\nShare on X")
    assert revise(button.blocks, verdicts, ads(button))[1].label == "social"


def test_revise_leaves_confident_article_lines_alone():
    doc = segment_text("Get it now!\n• one")
    verdicts = (Verdict("ad", 0.9, "model:ad"), Verdict(ARTICLE, 0.05, "model:article"))
    assert revise(doc.blocks, verdicts, ads(doc)) == verdicts


def test_the_block_above_a_lone_credit_is_its_caption_printed_once_or_twice():
    doc = segment_text("Story text here.\nThe minister walks in Havana, April 20\nThe minister walks in Havana, April 20\nReuters\nMore story.")
    verdicts = (Verdict(ARTICLE, 0.1, "model:article"),) + tuple(
        Verdict(ARTICLE, 0.3, "model:article") for _ in doc.blocks[1:3]
    ) + (
        Verdict("caption", 1.0, "rule:credit-line"),
        Verdict(ARTICLE, 0.1, "model:article"),
    )
    revised = revise(doc.blocks, verdicts, ads(doc))
    assert [v.label for v in revised] == [ARTICLE, "caption", "caption", "caption", ARTICLE]
    assert revised[1].reason == "context:caption-above-credit"


def test_the_copy_of_a_caption_the_model_already_removed_goes_with_it():
    doc = segment_text("Story text here.\nThe minister walks in Havana, April 20\nThe minister walks in Havana, April 20\nReuters")
    verdicts = (
        Verdict(ARTICLE, 0.1, "model:article"),
        Verdict(ARTICLE, 0.45, "model:article"),
        Verdict("caption", 0.8, "model:caption"),
        Verdict("caption", 1.0, "rule:credit-line"),
    )
    revised = revise(doc.blocks, verdicts, ads(doc))
    assert [v.label for v in revised] == [ARTICLE, "caption", "caption", "caption"]
    assert revised[1].reason == "context:caption-above-credit" and revised[2] == verdicts[2]


def test_a_caption_printed_twice_above_a_credit_goes_whatever_its_score():
    # seed 002's caption, which some retrains score 0.09: printed twice above "Reuters"
    doc = segment_text("Story text here.\nThe minister walks in Havana, April 20\nThe minister walks in Havana, April 20\nReuters")
    verdicts = (Verdict(ARTICLE, 0.1, "model:article"),) + tuple(
        Verdict(ARTICLE, 0.05, "model:article") for _ in doc.blocks[1:3]
    ) + (Verdict("caption", 1.0, "rule:credit-line"),)
    revised = revise(doc.blocks, verdicts, ads(doc))
    assert [v.label for v in revised] == [ARTICLE, "caption", "caption", "caption"]
    # printed once, the same low score keeps it: a credit can follow a paragraph by accident
    once = segment_text("Story text here.\nThe minister walks in Havana, April 20\nReuters")
    assert revise(once.blocks, verdicts[1:], ads(once))[1].label == ARTICLE


def test_a_confident_article_line_above_a_credit_stays():
    doc = segment_text("Germany's economy shrank 0.2% in the last quarter.\nReuters")
    verdicts = (Verdict(ARTICLE, 0.01, "model:article"), Verdict("caption", 1.0, "rule:credit-line"))
    assert revise(doc.blocks, verdicts, ads(doc)) == verdicts


def test_a_long_line_without_spaces_is_not_short():
    doc = segment_text("今すぐ無料で登録\n" + "報道によると、今回販売されたのは、いわゆる「脱獄」したiPhoneで、商標権の侵害にあたるとして警察が捜査を進めています。")
    verdicts = (Verdict("ad", 0.9, "model:ad"), Verdict(ARTICLE, 0.4, "model:article"))
    assert revise(doc.blocks, verdicts, ads(doc))[1].label == ARTICLE


def test_off_topic_needs_a_topic_of_two_article_blocks():
    doc = segment_text("A lone paragraph of a scraped article.\nShare this")
    verdicts = (Verdict("offtopic", 0.7, "model:offtopic"), Verdict("social", 1.0, "rule:share"))
    revised = revise(doc.blocks, verdicts, ads(doc))
    assert revised[0].label == ARTICLE and revised[0].reason == "context:no-topic-to-be-off"
    assert revised[1] == verdicts[1]
    # one article paragraph is no topic to tell another from (a two-paragraph note lost one)
    doc = segment_text("The council approved the budget.\nThe mayor said taxes stay flat.\nLeave a Reply")
    one = (Verdict("offtopic", 0.52, "model:offtopic"), Verdict(ARTICLE, 0.1, "model:article"),
           Verdict("comments", 1.0, "rule:comment-form"))
    assert [v.label for v in revise(doc.blocks, one, ads(doc))] == [ARTICLE, ARTICLE, "comments"]
    doc = segment_text("Title\nA paragraph of the article.\nA paragraph of another story.")
    two = (Verdict(ARTICLE, 0.1, "model:article"), Verdict(ARTICLE, 0.1, "model:article"),
           Verdict("offtopic", 0.7, "model:offtopic"))
    assert revise(doc.blocks, two, ads(doc)) == two


def test_a_sentence_cut_across_lines_is_kept_whole_where_the_model_keeps_a_part():
    doc = segment_text(
        "Steven Gerrard's late strike secured qualification for\nagainst Olympiakos on Wednesday.\n"
        "On Tuesday,\nfinished top of their group."
    )
    verdicts = (
        Verdict("related", 0.99, "model:related"),
        Verdict(ARTICLE, 0.2, "model:article"),
        Verdict(ARTICLE, 0.3, "model:article"),
        Verdict("social", 0.9, "model:social"),
    )
    revised = revise(doc.blocks, verdicts, ads(doc))
    assert [v.label for v in revised] == [ARTICLE] * 4
    assert revised[0].reason == revised[3].reason == "context:sentence-continues"
    # both parts removed: nothing kept to carry the other
    both = (Verdict("related", 0.99, "model:related"), Verdict("related", 0.9, "model:related"))
    assert revise(doc.blocks[:2], both, ads(doc)[:2]) == both


def test_lower_case_lines_that_end_no_sentence_are_not_taken_for_a_cut_sentence():
    doc = segment_text("Here is the story so far.\nweighted blanket\nThe story goes on here.\nalso read | Poppins musical gets flying start")
    verdicts = (
        Verdict(ARTICLE, 0.3, "model:article"),
        Verdict("ad", 0.8, "model:ad"),
        Verdict(ARTICLE, 0.1, "model:article"),
        Verdict("related", 0.9, "model:related"),
    )
    assert revise(doc.blocks, verdicts, ads(doc)) == verdicts


def test_a_doubted_block_between_removed_blocks_or_before_the_junk_at_the_end_goes_with_it():
    doc = segment_text("More from the site\nOn June 27 two other countries signed a peace accord.\nA third story")
    verdicts = (
        Verdict("related", 1.0, "rule:related-header"),
        Verdict(ARTICLE, 0.45, "model:article"),
        Verdict("offtopic", 0.99, "model:offtopic"),
    )
    assert revise(doc.blocks, verdicts, ads(doc))[1] == Verdict("related", 0.45, "context:related")  # the surer neighbour's
    sure = verdicts[:1] + (Verdict(ARTICLE, 0.2, "model:article"),) + verdicts[2:]
    assert revise(doc.blocks, sure, ads(doc))[1] == sure[1]  # below DOUBTED_SCORE, prose stays

    story = segment_text("The story.\nMore of the story.\nA good viral video lifts any mood.\nLeave a Reply\nName *")
    verdicts = (
        Verdict(ARTICLE, 0.0, "model:article"),
        Verdict(ARTICLE, 0.1, "model:article"),
        Verdict(ARTICLE, 0.37, "model:article"),
        Verdict("comments", 1.0, "rule:comment-form"),
        Verdict("comments", 0.9, "model:comments"),
    )
    revised = revise(story.blocks, verdicts, ads(story))
    assert [v.label for v in revised] == [ARTICLE, ARTICLE, "comments", "comments", "comments"]
    assert revised[2].reason == "context:comments"
    # the model's own category, where it is off-topic, is kept: filler is no part of the comment form
    filler = ads(story)
    filler[2] = OFF
    assert revise(story.blocks, verdicts, filler)[2] == Verdict("offtopic", 0.37, "context:offtopic")
    # with more article after it, a doubted block beside junk on one side only stays
    middle = verdicts[:3] + (verdicts[3], Verdict(ARTICLE, 0.0, "model:article"))
    assert revise(story.blocks, middle, ads(story))[2] == middle[2]
