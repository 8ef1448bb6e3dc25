"""Should the bot say "not in the docs"? Three signals, weighted by calibration on a labelled set.

- closeness: cosine of the question to the best passage (topic match);
- vocabulary: share of the question's words the corpus knows at all (typos forgiven), so "Netflix" or
  "lasagna" pull the score down even when the sentence shape matches a docs question;
- support: share of the question's words present in the retrieved passages, so a docs-shaped question whose
  key word ("student", "phone", "pause") the passages never mention is not answered with neighbouring text.

`python -m helpdesk.calibrate` fits the weights and the threshold on tests/data/abstention_labelled.jsonl.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from helpdesk.schema import Passage


@dataclass(frozen=True)
class Evidence:
    closeness: float
    vocabulary: float
    support: float

    def confidence(self, vocabulary_weight: float, support_weight: float) -> float:
        return self.closeness + vocabulary_weight * (self.vocabulary - 1) + support_weight * (self.support - 1)


# Words of any question, about anything: their absence from the passages says nothing.
QUESTION_WORDS = frozenset(
    "mani much everi get mean use need want pleas also would could possibl like know tell anyon someth thing "
    "still realli actual ok okay hi hello thank thanks "
    "one two three four five six seven eight nine ten eleven twelv fifteen twenti thirti forti fifti hundr thousand "
    # everyday verbs and adverbs of a support message ("keeps failing", "came back", "any idea why"): no topic
    "keep kept idea came come back slight slightli everyday midway anyway left go goe went way thing stuff time "
    "sure right wrong just even ever never alway usual sometim sudden recent today yesterday "
    "tri tried seem look found find happen wonder guess think anymor again instead otherwis though "
    # chat register ("quick q", "mine defaults to", "lol", "the convo", "should I tick it"): no topic either
    "quick mine lol lmao convo btw plz pl guy folk tick untick minut".split())


def _known(token: str, vocabulary: frozenset[str], words: tuple[str, ...]) -> bool:
    if token in vocabulary or len(token) <= 2 or token.isdigit():
        return True
    return _close_to_a_word(token, vocabulary)


@lru_cache(maxsize=65_536)
def _close_to_a_word(token: str, vocabulary: frozenset[str]) -> bool:
    """A typo of a corpus word? A scan of the whole vocabulary (~9 ms), so each word is looked up once per build:
    subscribers' words repeat ("pls", "netflix", their tool's name), and a new build is a new vocabulary."""
    return bool(difflib.get_close_matches(token, _sorted_words(vocabulary), n=1, cutoff=0.8))


@lru_cache(maxsize=8)
def _sorted_words(vocabulary: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(vocabulary))


def evidence(question_tokens: list[str], vocabulary: frozenset[str], passages: list[Passage],
             passage_tokens: list[set[str]]) -> Evidence:
    closeness = max((p.dense for p in passages), default=0.0)
    question_tokens = [t for t in question_tokens if t not in QUESTION_WORDS]
    if not question_tokens:
        return Evidence(closeness, 0.0, 0.0)
    words = _sorted_words(vocabulary)
    known = sum(_known(t, vocabulary, words) for t in question_tokens) / len(question_tokens)
    found: set[str] = set().union(*passage_tokens) if passage_tokens else set()
    supported = sum(t in found for t in question_tokens) / len(question_tokens)
    return Evidence(closeness, known, supported)

