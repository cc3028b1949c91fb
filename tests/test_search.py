from datetime import date
from pathlib import Path

from newsdesk.index import Archive, Hit
from newsdesk.index.numbering import headline_terms

from .conftest import article, write_jsonl


def test_a_hit_carries_the_answer_sentence_and_its_attribution(seeded: Archive):
    hit = seeded.ask("How many SDF fighters did ISIS kill?", k=1).hits[0]
    assert isinstance(hit, Hit)
    assert "killed more than 60 SDF fighters" in hit.sentence
    assert hit.sentence in hit.passage
    stored = seeded.article(hit.article_id)
    assert stored.text[hit.passage_start:hit.passage_end] == hit.passage
    assert stored.text[hit.sentence_start:hit.sentence_end] == hit.sentence
    assert (hit.title, hit.source, hit.url, hit.published) == (
        stored.title, stored.source, None, None)


def test_names_find_the_sentence_about_that_person(seeded: Archive):
    hit = seeded.ask("Who is Jan Egeland?", k=1).hits[0]
    assert hit.sentence.startswith("Last week, U.N. humanitarian official, Jan Egeland")


def test_overlapping_windows_of_one_article_are_collapsed(seeded: Archive):
    hits = seeded.ask("ISIS fighters", k=10).hits
    spans = [(h.passage_start, h.passage_end) for h in hits]
    for i, (s1, e1) in enumerate(spans):
        for s2, e2 in spans[i + 1:]:
            assert e1 <= s2 or e2 <= s1, "two results overlap"


def test_nothing_relevant_gives_no_hits(seeded: Archive):
    assert seeded.ask("bitcoin price in Zurich").hits == []
    assert seeded.ask("What is the bitcoin price of ISIS?").hits == []  # one weak match


def test_a_question_of_only_common_words_gives_no_hits(seeded: Archive):
    assert seeded.ask("Who is he and what did they do?").hits == []
    assert seeded.ask("Who is he and what did they do?").query.terms == []


def dated_archive(archive: Archive, tmp_path: Path) -> Archive:
    records = [
        article(1, source="Test Wire", published="2024-01-01"),
        article(2, source="Other Post", published="2024-01-15",
                text="The mayor of town1 said the bridge1 reopened."),
        article(3, source="Test Wire", published=None,
                text="An undated note: the mayor of town1 praised bridge1."),
    ]
    archive.add([write_jsonl(tmp_path / "a.jsonl", records)])
    return archive


def test_source_filter_is_case_insensitive(archive: Archive, tmp_path: Path):
    dated_archive(archive, tmp_path)
    hits = archive.ask("mayor town1 bridge1", k=5, source="other post").hits
    assert [h.article_id for h in hits] == ["art-2"]
    assert archive.ask("mayor town1 bridge1", source="Nobody").hits == []


def test_date_filters_are_inclusive_and_leave_out_undated_articles(
        archive: Archive, tmp_path: Path):
    dated_archive(archive, tmp_path)
    every = {h.article_id for h in archive.ask("mayor town1 bridge1", k=5).hits}
    assert every == {"art-1", "art-2", "art-3"}
    since = archive.ask("mayor town1 bridge1", k=5, since=date(2024, 1, 15)).hits
    assert [h.article_id for h in since] == ["art-2"]
    until = archive.ask("mayor town1 bridge1", k=5, until=date(2024, 1, 1)).hits
    assert [h.article_id for h in until] == ["art-1"]


def test_new_articles_are_searchable_by_an_open_archive_after_another_adds_them(
        seeded: Archive, tmp_path: Path):
    assert seeded.ask("bridge1 town1").hits == []
    other = Archive(seeded.settings)
    try:
        other.add([write_jsonl(tmp_path / "a.jsonl", [article(1)])])
    finally:
        other.close()
    assert seeded.ask("bridge1 town1").hits[0].article_id == "art-1"


def test_a_misspelt_name_is_corrected_to_the_archive_s_spelling(seeded: Archive):
    query = seeded.ask("Who is Jan Egelandd?").query
    assert query.corrections == {"egelandd": "egeland"}
    assert seeded.ask("Who is Jan Egelandd?").hits[0].sentence.startswith(
        "Last week, U.N. humanitarian official, Jan Egeland")


def test_syndicated_copies_are_one_result_that_lists_the_outlets(archive: Archive,
                                                                 tmp_path: Path):
    wire = ("The ferry service to Gull Island resumed on Monday after a week of storms, the "
            "harbour master said. Crews worked overnight to repair the damaged pier.")
    archive.add([write_jsonl(tmp_path / "wire.jsonl", [
        article(1, source="Daily Planet", text=wire),
        article(2, source="Evening Star", text="GULL ISLAND (AP) — " + wire),
        article(3, source="Coast Times", text="Island ferries ran again on Monday, and the "
                                               "harbour master thanked the pier crews."),
    ])])
    hits = archive.ask("When did the Gull Island ferry resume?", k=5).hits
    wire_hits = [h for h in hits if h.source in ("Daily Planet", "Evening Star")]
    assert len(wire_hits) == 1
    assert set(wire_hits[0].also_in) | {wire_hits[0].source} == {"Daily Planet", "Evening Star"}
    assert any(h.source == "Coast Times" for h in hits)  # a different report stays apart


def test_a_question_naming_a_time_favours_articles_published_then(archive: Archive,
                                                                   tmp_path: Path):
    story = "The mayor of Rivertown said the old bridge reopened to traffic."
    archive.add([write_jsonl(tmp_path / "a.jsonl", [
        article(1, published="2024-01-01", text=story),
        article(2, published="2024-03-02", text=story.replace("old", "stone")),
        article(3, published=None, text=story.replace("old", "iron")),
    ])])
    plain = archive.ask("Which bridge did the Rivertown mayor say reopened?", k=3).hits
    assert plain[0].article_id == "art-1"  # the lead of equal texts, the first added
    march = archive.ask("Which bridge did the Rivertown mayor say reopened in March 2024?",
                           k=3).hits
    assert march[0].article_id == "art-2"
    assert {h.article_id for h in march} == {"art-1", "art-2", "art-3"}  # favoured, not only
    query = archive.ask("Which bridge reopened last week?", today=date(2024, 1, 8)).query
    assert query.period is not None and "week" not in query.known_terms
    assert archive.ask("Which bridge reopened last week?", k=1,
                          today=date(2024, 1, 8)).hits[0].article_id == "art-1"
    assert query.note() == "Favoured articles from 1–7 January 2024 (“last week”)"
    assert archive.ask("Which bridge reopened last week?", today=date(2025, 1, 8)).query.note() == (
        "No article is from 30 December 2024 – 5 January 2025 (“last week”): best matches "
        "of any date")


def test_headline_words_find_their_article(archive: Archive, tmp_path: Path):
    archive.add([write_jsonl(tmp_path / "a.jsonl", [
        article(1, title="Fair opens on Gull Island",
                text="The Gull Island fair opened on Monday with rides for children."),
        article(2, title="Storm shuts Gull Island ferry",
                text="Crossings to Gull Island were cancelled on Monday, the harbour master "
                     "said."),
    ])])
    hits = archive.ask("storm on Gull Island", k=2).hits
    assert [h.article_id for h in hits] == ["art-2", "art-1"]
    assert archive.ask("storm on Gull Island").query.known_terms[0] == "storm"


def test_a_title_made_from_the_first_sentence_is_not_counted_twice():
    first = ["islam", "state", "group", "kill"]
    assert headline_terms(["islam", "state", "group"], [first]) == []
    assert headline_terms(["storm", "shut", "ferri"], [first]) == ["storm", "shut", "ferri"]


def test_a_huge_question_is_searched_by_its_start_and_says_so(seeded: Archive):
    answer = seeded.ask("How many SDF fighters did ISIS kill? " + "x" * 100_000)
    assert answer.hits and answer.query.cut
    assert len(answer.question) == 1000
    assert answer.note == "Only the first 1,000 characters of the question were searched"
