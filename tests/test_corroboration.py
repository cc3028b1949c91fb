"""Corroboration: outlets that report a story on their own, copies counted once."""

from __future__ import annotations

from pathlib import Path

from newsdesk.index import Archive
from newsdesk.index.corroboration import Report, corroborate, corroboration_of, signature

from .conftest import write_jsonl

CLOSURE = ("The Harbor Bridge closed on Monday after inspectors found cracks in two steel "
           "supports. Mayor Lena Ortiz said repairs would take three weeks and ferries would "
           "run every twenty minutes from Pier Nine meanwhile.")
RETOLD = ("Inspectors found cracks in two of the Harbor Bridge's steel supports, and the "
          "bridge was shut on Monday. Ferries from Pier Nine will run every twenty minutes "
          "during three weeks of repairs, Mayor Lena Ortiz told reporters.")
OTHER = ("The city council approved a budget for new school buses on Tuesday after a long "
         "debate about fuel prices and routes in the northern districts.")


def test_independent_reports_count_once_each_and_copies_apart():
    def sign(text: str) -> frozenset[str]:
        return signature(text.lower().split(), lambda terms: [1.0] * len(terms))

    found = corroborate([Report("Wire", ("Post", "Gazette"), sign(CLOSURE)),
                         Report("Coast Times", (), sign(RETOLD)),
                         Report("Herald", (), sign(OTHER))])
    assert found[0].outlets == ("Wire", "Coast Times")
    assert found[0].summary == "reported by 2 outlets, and copies in 2 more"
    assert found[2].outlets == ("Herald",) and found[2].summary == "reported by 1 outlet"
    assert corroboration_of("Wire", (), ("Wire", "Post")).summary == (
        "reported by 1 outlet, and copies in 1 more")


def test_answers_and_briefings_say_how_many_outlets_report_a_story(archive: Archive,
                                                                  tmp_path: Path):
    archive.add([write_jsonl(tmp_path / "b.jsonl", [
        {"id": "w", "title": "Harbor Bridge shut", "source": "Wire", "text": CLOSURE,
         "published": "2025-03-20"},
        {"id": "p", "title": "Harbor Bridge shut", "source": "Post", "text": CLOSURE,
         "published": "2025-03-20"},
        {"id": "c", "title": "Cracks close bridge", "source": "Coast Times", "text": RETOLD,
         "published": "2025-03-20"},
        {"id": "o", "title": "Buses", "source": "Herald", "text": OTHER,
         "published": "2025-03-20"}])])
    hits = archive.ask("Why did the Harbor Bridge close?", k=5).hits
    first = hits[0].to_json()
    assert first["independent_outlets"] == 2
    assert set(first["reported_by"]) == {"Wire", "Coast Times"}
    [item] = [i for i in archive.brief("Harbor Bridge cracks").items if "Post" in i.outlets]
    assert item.corroboration.summary == "reported by 2 outlets, and copies in 1 more"
