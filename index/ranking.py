"""Every knob applied per question (retrieval and answer choice), with the chosen
defaults. What is baked into the index at build time is in params.py.

The defaults were chosen on ../shared/newsqa-dev with `newsdesk eval --compare`; the
figures behind each are in README.md (Evaluation). A configuration can be written as
overrides of the defaults, "article_weight=0.3,lead_boost=1.2", for `eval --compare`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace


@dataclass(frozen=True)
class Ranking:
    # An article's BM25 as a whole document (IndexParams' article_k1/b), times this, is
    # added to each of its passages: an article about the question lifts all of them.
    article_weight: float = 0.5
    # News puts the key facts first: the first passage of an article is multiplied.
    lead_boost: float = 1.2
    # A question that names a time ("in March 2008", "last week": periods.py) multiplies
    # the passages of articles published then, or up to `period_lag_days` after. Not
    # tuned (newsqa-dev has no dates): set so that a dated match beats an undated one
    # with a little more of the question's words, not one with much more.
    period_boost: float = 1.5
    period_lag_days: int = 3
    # Relevance, as the share of the question's term weight a passage contains: there is
    # an answer only if some passage reaches `answer_coverage`; then every passage that
    # reaches `min_coverage` may be listed.
    answer_coverage: float = 0.3
    min_coverage: float = 0.2
    # Answer sentences (see answer.py): chosen among the sentences of the top
    # `answer_passages` passages, a passage's best discounted by `answer_rank_decay`
    # per rank below the first.
    answer_passages: int = 3
    answer_rank_decay: float = 0.9
    answer_kind_bonus: float = 0.2
    answer_position_prior: float = 0.2
    answer_neighbour_weight: float = 0.1
    # Question phrases kept in order (pairs of neighbouring question terms at most
    # `answer_phrase_gap` terms apart): +2 answer sentences, none lost, on newsqa-dev.
    answer_phrase_weight: float = 0.3
    answer_phrase_gap: int = 2
    answer_min_terms: int = 4
    # A sentence with fewer than `answer_min_new` terms of its own (not the question's,
    # not a time, a number or "he said") and no value of the kind asked for only repeats
    # the question: its score is cut by `answer_repeat_penalty`. On newsqa-dev ±0 at
    # 0.5 and 0.8 (few sentences only repeat); `answer_min_new=3` loses 1 answer.
    answer_repeat_penalty: float = 0.5
    answer_min_new: int = 2
    # The next-sentence rule: a sentence that says what was asked, right after one that
    # repeats the question's words without saying it, gains this much of the question's
    # weight that its predecessor holds and it lacks. On newsqa-dev +1 R@1 (+0.005 MRR),
    # no answer sentence lost, neither half loses; 1.0 trades one answer sentence for
    # another, 1.5 and 2 lose one, 0.3 to 0.7 move nothing.
    answer_next_weight: float = 0.8
    # A question asking for a time, a year or a duration ("when", "what year", "how
    # long"): a sentence without one is cut by this much. newsqa-dev has two such
    # questions: ±0 from 0.2 to 0.9 (applied to "how many" too, from 0.4 it loses 1
    # answer: "No shots were fired").
    answer_missing_penalty: float = 0.5
    # An answer sentence holding this share of the question's weight is presented as the
    # answer; below it, the hits are "the closest passages". On newsqa-dev at 0.6, 67 of
    # 100 answers are presented and 46 % of those are right against 24 % of the rest
    # (0.5: 40 % of 84 against 31 %; 0.7: 49 % of 51 against 29 %).
    confident_coverage: float = 0.6

    def describe(self) -> str:
        """The settings that differ from the defaults, as "key=value,…" ("defaults")."""
        default = Ranking()
        changed = [f"{k}={v}" for k, v in asdict(self).items() if getattr(default, k) != v]
        return ",".join(changed) or "defaults"

    @classmethod
    def parse(cls, spec: str) -> Ranking:
        """Defaults overridden by "key=value,…"; "defaults" (or "") for none."""
        known = {f.name for f in fields(cls)}
        types = {f.name: f.type for f in fields(cls)}
        changes: dict[str, float | int] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            if part == "defaults":
                continue
            key, sep, value = part.partition("=")
            key = key.strip()
            if not sep or key not in known:
                raise ValueError(f"unknown ranking setting {part!r} "
                                 f"(known: {', '.join(sorted(known))})")
            try:
                changes[key] = int(value) if types[key] in (int, "int") else float(value)
            except ValueError:
                raise ValueError(f"{key} must be a number, got {value!r}") from None
        return replace(cls(), **changes)
