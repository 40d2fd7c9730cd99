#!/usr/bin/env python3
"""Markdown tables of a default-models recipe run, for assets/models/README.md.

Usage: tools/recipe/tables.py OUT_DIR
Reads OUT_DIR/eval/{dec,encdec}-SEED-{heldout,robustness}.json (written by `duet eval tasks --report`) and
prints, for each set, per-task accuracy with its 95% bootstrap interval over items for every SFT seed found,
then the overall line. Python's standard library only.
"""
import glob
import json
import os
import re
import sys

ARCHS = [("dec", "decoder-only `duet-mini-it`"), ("encdec", "encoder-decoder `duet-mini-mini-it`")]


def load(path):
    with open(path) as f:
        return json.load(f)


def cell(score):
    low, high = score["ci"]
    return f"{score['accuracy'] * 100:.1f}% ({low * 100:.0f}-{high * 100:.0f})"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    seeds = sorted({int(m.group(1)) for p in glob.glob(os.path.join(out, "eval", "*-*-heldout.json"))
                    if (m := re.search(r"-(\d+)-heldout\.json$", p))})
    for name, title in [("heldout", "Held-out set"), ("robustness", "Robustness set")]:
        columns = []
        for arch, label in ARCHS:
            for seed in seeds:
                path = os.path.join(out, "eval", f"{arch}-{seed}-{name}.json")
                if os.path.exists(path):
                    columns.append((f"{label}, seed {seed}", load(path)))
        if not columns:
            continue
        print(f"### {title} (accuracy, 95% CI over items)\n")
        print("| task | " + " | ".join(c[0] for c in columns) + " |")
        print("| --- |" + " --- |" * len(columns))
        tasks = [t["task"] for t in columns[0][1]["tasks"]]
        for task in tasks:
            row = [cell(next(t for t in report["tasks"] if t["task"] == task)) for _, report in columns]
            print(f"| {task} | " + " | ".join(row) + " |")
        print("| **overall** | " + " | ".join(f"**{cell(report['overall'])}**" for _, report in columns) + " |\n")


if __name__ == "__main__":
    main()
