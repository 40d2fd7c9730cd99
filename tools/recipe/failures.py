#!/usr/bin/env python3
"""What the wrong replies of a default-models recipe run are, for the two tasks where the encoder-decoder
trails most (assets/models/README.md):

- passage questions: is the wrong answer a word of the text (read, but the wrong fact) or not (not read)?
- dedupe (single-turn items): did it keep a duplicate, stop early, skip or reorder items, or invent one?

Usage: tools/recipe/failures.py OUT_DIR
Reads OUT_DIR/data/eval.jsonl, OUT_DIR/robustness.jsonl and OUT_DIR/eval/{dec,encdec}-SEED-{heldout,robustness}.json
(`duet eval tasks --report`; items are in the evaluation file's order). Python's standard library only.
"""
import collections
import glob
import json
import os
import re
import sys

SETS = [("heldout", "data/eval.jsonl"), ("robustness", "robustness.jsonl")]
PASSAGE = ["wrong fact from the text", "not in the text"]
DEDUPE = ["kept a duplicate", "stopped early", "skipped or reordered", "invented an item"]


def items(text):
    return [x.strip() for x in text.split(",") if x.strip()]


def passage_failure(item, reply):
    text = " ".join(m["content"] for m in item["messages"]).lower()
    reply = reply.strip().rstrip(".").lower()
    return PASSAGE[0] if reply and reply in text else PASSAGE[1]


def dedupe_failure(item, reply):
    answer, got, prompt = items(item["answer"]), items(reply), item["messages"][-1]["content"]
    if any(x not in prompt for x in got):
        return DEDUPE[3]
    if len(set(got)) < len(got):
        return DEDUPE[0]
    if got == answer[:len(got)]:
        return DEDUPE[1]
    return DEDUPE[2]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    for name, file in SETS:
        with open(os.path.join(out, file)) as f:
            evaluation = [json.loads(line) for line in f]
        reports = sorted(glob.glob(os.path.join(out, "eval", f"*-*-{name}.json")))
        print(f"\n{name}: wrong replies by kind (items counted: passage questions; single-turn dedupe)\n")
        print("| model | passage: " + " | passage: ".join(PASSAGE) + " | dedupe: " + " | dedupe: ".join(DEDUPE) + " |")
        print("| --- |" + " --- |" * (len(PASSAGE) + len(DEDUPE)))
        for path in reports:
            model = re.sub(rf"-{name}\.json$", "", os.path.basename(path))
            with open(path) as f:
                results = json.load(f)["items"]
            count, total = collections.Counter(), collections.Counter()
            for item, result in zip(evaluation, results):
                if item["task"] == "passage_qa":
                    total["passage"] += 1
                    if not result["correct"]:
                        count[passage_failure(item, result["reply"])] += 1
                elif item["task"] == "dedupe" and len(item["messages"]) == 1:
                    total["dedupe"] += 1
                    if not result["correct"]:
                        count[dedupe_failure(item, result["reply"])] += 1
            cells = [f"{count[k]}/{total['passage']}" for k in PASSAGE] + [f"{count[k]}/{total['dedupe']}" for k in DEDUPE]
            print(f"| {model} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
