#!/usr/bin/env python3
"""Are the default models' wrong list and copy answers the ones with rare tokens? (assets/models/README.md)

For a default-models recipe run, counts how often every token occurs in the SFT data's model replies (with the
run's tokenizer), then, for the tasks that answer with the prompt's own words (copy, reverse, sort, capitalise,
dedupe), gives each model's accuracy by the rarest token of the expected answer, on both evaluation sets.
Other tokenizer directories (say, `duet tokenizer train --vocab-size 1024` on OUT_DIR/data/pretrain.txt) get the
same count without accuracies: how many answers would still hold a rare token with that vocabulary.

Usage: tools/recipe/token_rarity.py OUT_DIR [TOKENIZER_DIR ...]
Reads OUT_DIR/tokenizer, OUT_DIR/data/{sft,eval}.jsonl, OUT_DIR/robustness.jsonl and
OUT_DIR/eval/{dec,encdec}-SEED-{heldout,robustness}.json. Needs the `tokenizers` package (the venv of
tools/golden/README.md).
"""
import collections
import glob
import json
import os
import re
import sys

from tokenizers import Tokenizer

TASKS = {"copy", "reverse", "sort", "capitalise", "dedupe"}
SETS = [("heldout", "data/eval.jsonl"), ("robustness", "robustness.jsonl")]
BUCKETS = [(0, 10), (10, 100), (100, 1000), (1000, None)]
RARE = 10


def jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def reply_counts(tokenizer, out):
    """How often each token id occurs in the model turns of the SFT data."""
    counts = collections.Counter()
    for chat in jsonl(os.path.join(out, "data/sft.jsonl")):
        for message in chat["messages"]:
            if message["role"] != "user":
                counts.update(tokenizer.encode(message["content"], add_special_tokens=False).ids)
    return counts


def rarest(tokenizer, counts, text):
    return min(counts.get(i, 0) for i in tokenizer.encode(text, add_special_tokens=False).ids)


def label(low, high):
    return f"{low}+" if high is None else f"{low}-{high - 1}"


def accuracy_table(out, tokenizer, counts):
    runs = sorted({m.group(1) for p in glob.glob(os.path.join(out, "eval", "*-heldout.json"))
                   if (m := re.search(r"/((?:dec|encdec)-\d+)-heldout\.json$", p))})
    for name, file in SETS:
        items = jsonl(os.path.join(out, file))
        print(f"\n{name}: accuracy by the rarest answer token's count in SFT replies ({', '.join(sorted(TASKS))})\n")
        print("| run | " + " | ".join(f"count {label(lo, hi)}" for lo, hi in BUCKETS) + " |")
        print("| --- |" + " --- |" * len(BUCKETS))
        for run in runs:
            path = os.path.join(out, "eval", f"{run}-{name}.json")
            if not os.path.exists(path):
                continue
            with open(path) as f:
                replies = json.load(f)["items"]
            cells = {b: [0, 0] for b in BUCKETS}
            for item, reply in zip(items, replies):
                if item["task"] not in TASKS:
                    continue
                count = rarest(tokenizer, counts, item["answer"])
                bucket = next(b for b in BUCKETS if count >= b[0] and (b[1] is None or count < b[1]))
                cells[bucket][0] += reply["correct"]
                cells[bucket][1] += 1
            print(f"| {run} | " + " | ".join(f"{r}/{n}" if n else "-" for r, n in cells.values()) + " |")


def rare_share(out, directory, tokenizer, counts):
    parts = []
    for name, file in SETS:
        answers = [i["answer"] for i in jsonl(os.path.join(out, file)) if i["task"] in TASKS]
        rare = sum(rarest(tokenizer, counts, a) < RARE for a in answers)
        length = sum(len(tokenizer.encode(a, add_special_tokens=False).ids) for a in answers) / len(answers)
        parts.append(f"{rare}/{len(answers)} ({length:.1f} tokens per answer)")
    print(f"| {directory} | {tokenizer.get_vocab_size()} | " + " | ".join(parts) + " |")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    own = os.path.join(out, "tokenizer")
    tokenizer = Tokenizer.from_file(os.path.join(own, "tokenizer.json"))
    counts = reply_counts(tokenizer, out)
    accuracy_table(out, tokenizer, counts)
    print(f"\nAnswers holding a token seen fewer than {RARE} times in SFT replies:\n")
    print("| tokenizer | vocabulary | held-out | robustness |\n| --- | --- | --- | --- |")
    rare_share(out, own, tokenizer, counts)
    for directory in sys.argv[2:]:
        other = Tokenizer.from_file(os.path.join(directory, "tokenizer.json"))
        rare_share(out, directory, other, reply_counts(other, out))


if __name__ == "__main__":
    main()
