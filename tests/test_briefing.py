from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from newsdesk.index import Archive, Article
from newsdesk.index.figures import claims_in, disagreements

from .conftest import write_jsonl

WIRE = ("Flood waters rose across the Harbor district on Monday, forcing hundreds of families "
        "from their homes as rescue crews worked through the night. Officials said the river "
        "crested at nine meters, the highest level recorded since the flood of 1998.")


def flood_archive(archive: Archive, tmp_path: Path) -> Archive:
    records = [
        {"id": "wire-a", "title": "Floods force families out", "source": "Daily Planet",
         "published": "2024-03-04", "url": "https://planet.example/floods", "text": WIRE},
        {"id": "wire-b", "title": "Floods force families out", "source": "Evening Star",
         "published": "2024-03-04", "text": WIRE + " More updates will follow."},
        {"id": "toll-1", "title": "Flood toll rises", "source": "Coast Times",
         "published": "2024-03-06",
         "text": "The flood in the Harbor district has killed 12 people, police said. "
                 "Rescue crews searched the flood zone on Wednesday."},
        {"id": "toll-2", "title": "Harbor flood deaths", "source": "River Herald",
         "published": "2024-03-07",
         "text": "Hospital officials said 15 people were killed in the Harbor district flood. "
                 "The flood waters began to fall on Thursday."},
        {"id": "old", "title": "An old flood", "source": "Coast Times",
         "published": "2023-01-10",
         "text": "A flood in the Harbor district in 2023 closed two schools for a week."},
        {"id": "nodate", "title": "Flood memories", "source": "Harbor Blog",
         "text": "Residents of the Harbor district remember every flood on the river."},
        {"id": "other", "title": "Council budget", "source": "Coast Times",
         "published": "2024-03-05", "text": "The council passed its budget for the harbor."},
    ]
    archive.add([write_jsonl(tmp_path / "floods.jsonl", records)])
    return archive


def test_a_briefing_lists_relevant_articles_in_the_window_newest_first(
        archive: Archive, tmp_path: Path):
    briefing = flood_archive(archive, tmp_path).brief("Harbor district flood",
                              since=date(2024, 3, 1), until=date(2024, 3, 31))
    assert [i.article_id for i in briefing.items] == ["toll-2", "toll-1", "wire-a"]
    assert (briefing.first_date, briefing.last_date) == ("2024-03-04", "2024-03-07")
    assert all(i.sentences and all(s in WIRE or "flood" in s.lower() for s in i.sentences)
               for i in briefing.items)


def test_syndicated_copies_are_one_item_that_names_every_outlet(archive: Archive, tmp_path: Path):
    briefing = flood_archive(archive, tmp_path).brief("Harbor district flood",
                              since=date(2024, 3, 1))
    wire = next(i for i in briefing.items if i.article_id.startswith("wire"))
    assert set(wire.outlets) == {"Daily Planet", "Evening Star"}
    assert len(wire.copies) == 1
    assert briefing.articles == 4  # four dated in the window, two of them copies
    assert briefing.undated_left_out == 1  # a window leaves undated articles out, and says so
    assert len(briefing.outlets) == 4


def test_undated_articles_are_listed_apart_never_as_new(archive: Archive, tmp_path: Path):
    briefing = flood_archive(archive, tmp_path).brief("Harbor district flood")
    assert [i.article_id for i in briefing.undated] == ["nodate"]
    assert "nodate" not in [i.article_id for i in briefing.items]
    assert briefing.items[-1].article_id == "old"  # the oldest dated one comes last


def test_sources_that_disagree_on_a_figure_both_appear(archive: Archive, tmp_path: Path):
    briefing = flood_archive(archive, tmp_path).brief("Harbor district flood",
                              since=date(2024, 3, 1))
    [dispute] = briefing.disputes
    assert (dispute.counts, dispute.event) == ("people", "killed")
    assert {(c.value, c.article.source) for c in dispute.claims} == {
        (12, "Coast Times"), (15, "River Herald")}


def test_the_seed_article_disagrees_with_itself_on_the_toll(seeded: Archive):
    briefing = seeded.brief("fighting in Deir el-Zour")
    [dispute] = briefing.disputes
    assert {c.value for c in dispute.claims} == {40, 60}
    assert any("Syrian Observatory" in c.sentence for c in dispute.claims)


def test_only_articles_added_after_a_moment_for_scheduled_runs(archive: Archive, tmp_path: Path):
    flood_archive(archive, tmp_path)
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert archive.brief("Harbor district flood", added_after=later).items == ()
    earlier = datetime.now(UTC) - timedelta(days=1)
    assert archive.brief("Harbor district flood", added_after=earlier).items


def test_a_topic_the_archive_does_not_cover_gives_an_empty_briefing(seeded: Archive):
    briefing = seeded.brief("bitcoin regulation in Zurich")
    assert briefing.items == () and briefing.undated == () and briefing.articles == 0


def test_claims_read_counts_events_and_skip_names_and_years():
    claims = claims_in("Police said 12 people were killed and 30 people were wounded in 2019 "
                       "near Apollo 11 street.", Article("a", "T", "S", "text"))
    assert [(c.value, c.counts, c.event) for c in claims] == [
        (12, "people", "killed"), (30, "people", "wounded")]
    assert disagreements(claims) == []


def test_figures_that_agree_are_no_dispute():
    one, other = Article("a", "T", "Wire", "text"), Article("b", "T", "Post", "text")
    claims = (claims_in("Officials said 40 fighters were killed on Friday.", one)
              + claims_in("At least 40 fighters were killed, the group said.", other))
    assert [c.value for c in claims] == [40, 40]
    assert disagreements(claims) == []
    differing = claims + claims_in("Activists said 60 fighters were killed.", other)
    assert [d.summary for d in disagreements(differing)] == ["fighters killed: 40 against 60"]


def test_plurals_and_day_labels_read_as_english():
    from newsdesk.index import day_label, plural

    assert [plural(1, "copy"), plural(2, "copy"), plural(2, "day"), plural(0, "article")] == [
        "1 copy", "2 copies", "2 days", "0 articles"]
    assert (day_label("2024-05-02T09:00:00Z"), day_label(None)) == ("2024-05-02", "undated")


def _records(tmp_path: Path, name: str, records: list[dict]) -> list[Path]:
    return [write_jsonl(tmp_path / f"{name}.jsonl", records)]


def test_a_story_must_cover_the_whole_topic_not_one_word_of_it(archive: Archive, tmp_path: Path):
    archive.add(_records(tmp_path, "harbor", [
        {"id": "bridge", "title": "Harbor Bridge closes", "source": "Wire",
         "published": "2025-03-20", "text": "The Harbor Bridge closed for repairs on Monday."},
        {"id": "seals", "title": "Seals return", "source": "Bay News", "published": "2025-03-21",
         "text": "Seals returned to the harbor in Sausalito this week."},
        {"id": "terminal", "title": "New terminal", "source": "Pacific Post",
         "published": "2025-03-22", "text": "A terminal opened at the harbor of Pago Pago."},
        {"id": "span", "title": "Bridge inspected", "source": "Wire", "published": "2025-03-23",
         "text": "Engineers inspected the river bridge near the old mill."},
    ]))
    assert [i.article_id for i in archive.brief("Harbor Bridge").items] == ["bridge"]


def test_a_date_window_leaves_undated_stories_out_and_says_so(archive: Archive, tmp_path: Path):
    archive.add(_records(tmp_path, "ferry", [
        {"id": "new", "title": "Ferry back", "source": "Wire", "published": "2025-03-20",
         "text": "The island ferry ran again on Thursday after the storm."},
        {"id": "old", "title": "Ferry history", "source": "Blog",
         "text": "The island ferry first ran a century ago, locals recall."},
    ]))
    briefing = archive.brief("ferry", since=date(2025, 3, 16), until=date(2025, 3, 31))
    assert [i.article_id for i in briefing.items] == ["new"] and briefing.undated == ()
    assert briefing.window == "2025-03-16 to 2025-03-31 (1 undated article left out)"


def test_two_numbers_of_one_sentence_are_no_dispute(archive: Archive, tmp_path: Path):
    archive.add(_records(tmp_path, "somalia", [
        {"id": "s1", "title": "Somalia attack", "source": "Wire", "published": "2025-03-20",
         "text": "Ten Kenyans and three Israelis -- including two children -- were killed in "
                 "the attack in Somalia. Police in Somalia said the attack began at dawn."},
    ]))
    sentence = archive.brief("Somalia attack").items[0]
    claims = claims_in(sentence.sentences[0], archive.article("s1"))
    assert sorted(c.value for c in claims) == [2, 3]  # both read, from one sentence
    assert archive.brief("Somalia attack").disputes == ()


def test_a_later_figure_from_the_same_outlet_is_an_update_not_a_dispute(
        archive: Archive, tmp_path: Path):
    archive.add(_records(tmp_path, "toll", [
        {"id": "sat", "title": "Clashes near Sousa", "source": "AP", "published": "2025-03-22",
         "text": "Clashes near Sousa killed 40 fighters on Saturday, officials said."},
        {"id": "sun", "title": "Sousa toll rises", "source": "AP", "published": "2025-03-23",
         "text": "The clashes near Sousa have killed 60 fighters, officials said on Sunday."},
    ]))
    briefing = archive.brief("clashes near Sousa")
    assert briefing.disputes == ()
    [update] = briefing.series
    assert update.summary == "fighters killed: 40 → 60, AP, 2025-03-22 → 2025-03-23"
    assert [c.article.id for c in update.claims] == ["sat", "sun"]


def test_a_timeline_lists_dated_stories_by_day_oldest_first(archive: Archive, tmp_path: Path):
    flood_archive(archive, tmp_path)
    timeline = archive.timeline("Harbor district flood")
    assert [d.date for d in timeline.days] == ["2023-01-10", "2024-03-04", "2024-03-06",
                                              "2024-03-07"]
    [wire] = timeline.days[1].stories
    assert set(wire.outlets) == {"Daily Planet", "Evening Star"} and wire.key_sentence
    assert timeline.undated_left_out == 1  # "Flood memories" has no date to place it by
    payload = timeline.to_json()
    assert payload["days"][2]["stories"][0]["article_id"] == "toll-1"
    assert set(payload["days"][1]["stories"][0]) == {"article_id", "title", "sources",
                                                     "sentence"}


def test_new_articles_are_found_however_many_old_ones_match(archive: Archive, tmp_path: Path):
    old = [{"id": f"old{n}", "title": f"Harbor bridge note {n}", "source": f"Outlet {n}",
            "published": "2024-01-01",
            "text": f"The harbor bridge carried traffic on day {n} as every day {n * 7}."}
           for n in range(40)]
    archive.add([write_jsonl(tmp_path / "old.jsonl", old)])
    moment = datetime.now(UTC)
    archive.add([write_jsonl(tmp_path / "new.jsonl", [
        {"id": "new", "title": "Harbor bridge closed", "source": "Wire", "published": "2024-01-02",
         "text": "The harbor bridge closed today."}])])
    briefing = archive.brief("harbor bridge", added_after=moment, limit=2)
    assert [i.article_id for i in briefing.items] == ["new"]
