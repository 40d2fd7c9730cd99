#!/usr/bin/env python3
"""Can a model trained on arithmetic drills add? (assets/models/README.md, "Arithmetic from drills alone")

Greedy completion of `a OP b =` (the drill lines of `duet data synth --arithmetic-drill-percent`, "17 + 25 = 42")
by a causal LM checkpoint, after six solved training problems in the same form (a drill document's first lines:
at the start of a document the models answer much worse, so a bare prompt measures the position, not the adding), for problems of the held-out split (`DataSplit.of(taskKey:)`: FNV-1a of
"task:OP A B", one bucket in eight) and of the training split, over the operands `ArithmeticTask` draws: sums of
0-9 and of 0-99, differences of 0-18 and 0-99 with no negative result, products of 0-12. Up to 40 problems per
operation and size (one-digit operands, or bigger), the same sample for every checkpoint.

Usage: tools/recipe/arithmetic_probe.py MODEL_DIR
Needs torch and transformers (the venv of tools/golden/README.md).
"""
import random
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

OPERATIONS = [  # name, symbol, operand ranges (as ArithmeticTask.operands), result
    ("add", "+", [(0, 9), (0, 99)], lambda a, b: a + b),
    ("subtract", "-", [(0, 18), (0, 99)], lambda a, b: a - b),
    ("multiply", "*", [(0, 12)], lambda a, b: a * b),
]


def fnv1a(text):
    h = 0xCBF29CE484222325
    for byte in text.encode():
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def held_out(name, a, b):
    return fnv1a(f"task:{name} {a} {b}") % 8 == 0


def problems(split, per_group, rng):
    """(name, symbol, a, b, result) of one split, `per_group` of each operation's one-digit and bigger problems."""
    chosen = []
    for name, symbol, ranges, apply in OPERATIONS:
        keys = set()
        for lo, hi in ranges:
            for a in range(lo, hi + 1):
                for b in range(0, (a if name == "subtract" else hi) + 1):
                    if held_out(name, a, b) == (split == "held-out"):
                        keys.add((a, b))
        for group in ([k for k in sorted(keys) if max(k) < 10], [k for k in sorted(keys) if max(k) >= 10]):
            rng.shuffle(group)
            chosen += [(name, symbol, a, b, apply(a, b)) for a, b in group[:per_group]]
    return chosen


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    tokenizer = AutoTokenizer.from_pretrained(sys.argv[1])
    model = AutoModelForCausalLM.from_pretrained(sys.argv[1], dtype=torch.float32).eval()
    rng = random.Random(1)
    context = "".join(f"{a} {symbol} {b} = {result}\n" for _, symbol, a, b, result in rng.sample(problems("train", 40, rng), 6))
    for split in ("held-out", "train"):
        tally = {}
        for name, symbol, a, b, result in problems(split, 40, rng):
            ids = tokenizer(f"{context}{a} {symbol} {b} =", return_tensors="pt").input_ids
            with torch.no_grad():
                out = model.generate(ids, max_new_tokens=5, do_sample=False)
            reply = tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True).split("\n")[0].strip()
            counts = tally.setdefault(f"{name} {'one-digit' if max(a, b) < 10 else 'bigger'}", [0, 0])
            counts[0] += reply == str(result)
            counts[1] += 1
        right, total = sum(c[0] for c in tally.values()), sum(c[1] for c in tally.values())
        print(f"{split}: {right}/{total} = {100 * right / total:.1f}%  "
              + "  ".join(f"{kind} {c[0]}/{c[1]}" for kind, c in sorted(tally.items())))


if __name__ == "__main__":
    main()
