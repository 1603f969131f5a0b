"""Rebuild what voice_mock/meaning ships for the bundled banks, so a fresh
install embeds and fits nothing before its first answer:

- bundled-vectors.npz: the sentence vectors of every cue's examples and near
  misses (bank + voice_mock/meaning/paraphrases.toml) and of the company
  profiles' examples and near misses, float16, ~0.9 MB;
- bundled-classifiers.npz: each cue's fitted classifier, keyed by its
  examples and near misses (a cue edited later is refitted at run time);
- the same two for the second model (voice_mock/meaning/cascade.py):
  bundled-vectors-e5.npz, bundled-classifiers-e5.npz.

Run after editing examples, near misses or paraphrases (a few minutes):

    .venv/bin/python scripts/meaning_vectors.py
"""

import sys

import numpy as np

from voice_mock.banks.catalog import load_banks, load_companies
from voice_mock.meaning.cascade import E5Encoder
from voice_mock.meaning.matcher import MeaningMatcher
from voice_mock.meaning.store import bundled, classifier_key, write, write_classifiers


def main() -> None:
    questions = [q for b in load_banks().values() for q in b.questions]
    build(MeaningMatcher(questions, cache_dir=None))
    build(MeaningMatcher(questions, cache_dir=None, encoder=E5Encoder()))


def build(matcher: MeaningMatcher) -> None:
    BUNDLED, BUNDLED_CLASSIFIERS = bundled(getattr(matcher.encoder, "tag", ""))
    companies = list(load_companies().values())
    kinds = ("mission", "culture", "mission_clash", "culture_clash", "clash")
    texts = sorted({*matcher.training_texts(),
                    *(t for c in companies for k in kinds for t in (*c.sentences(k), *c.sentences(k, True)))})
    matcher.encoder.load()
    vectors = dict(zip(texts, matcher.encoder.encode(texts)))
    write(BUNDLED, matcher.encoder.model_id, vectors, np.float16)
    print(f"{len(texts)} sentences -> {BUNDLED} ({BUNDLED.stat().st_size / 1e6:.1f} MB)")
    matcher.load()  # reads the vectors just written, as an install will
    keys = [k for k in matcher.cue_keys() if matcher._examples[k][0]]
    fitted = {}
    for i, key in enumerate(keys, 1):
        fitted[matcher.key_of(key)] = matcher.fit(key)
        print(f"\rfitted {i}/{len(keys)}", end="", file=sys.stderr)
    for c in companies:  # the bundled company profiles' cue kinds
        for kind in kinds:
            pos, neg = matcher.company_training(c, kind)
            if pos:
                fitted[classifier_key(matcher.encoder.model_id, pos, neg)] = matcher.fit_company(c, kind)
    write_classifiers(BUNDLED_CLASSIFIERS, matcher.encoder.model_id, fitted)
    print(f"\n{len(fitted)} classifiers -> {BUNDLED_CLASSIFIERS} ({BUNDLED_CLASSIFIERS.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
