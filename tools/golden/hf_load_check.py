#!/usr/bin/env python3
"""Does transformers load a model directory Duet wrote, completely, and compute what Duet computes?

    /work/venv/bin/python tools/golden/hf_load_check.py [--duet .build/debug/duet] DIR [DIR ...]

For each DIR (Gemma 2, Gemma 3 text, T5Gemma or T5Gemma 2, as `duet init`, `duet adapt`, `duet train`
or `duet convert` wrote it): loads it with the transformers class its config.json names (fp32, eager),
reports missing / unexpected / mismatched keys (any is a failure), runs `duet score` on the same ids
and prints the largest logit difference (a failure above --tolerance). Exit status 1 on any failure.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
import transformers
from transformers.utils import logging as hf_logging

ENCODER_IDS = [2, 40, 41, 42, 9]
DECODER_IDS = [2, 17, 18, 19]


def check(duet: str, directory: Path, tolerance: float) -> bool:
    config = json.loads((directory / "config.json").read_text())
    cls = getattr(transformers, config["architectures"][0])
    model, info = cls.from_pretrained(directory, dtype=torch.float32, attn_implementation="eager",
                                      output_loading_info=True)
    model.eval()
    problems = {k: list(v)[:5] for k, v in info.items() if v}
    seq2seq = config.get("is_encoder_decoder", False)
    with tempfile.TemporaryDirectory() as tmp:
        npy = Path(tmp) / "logits.npy"
        args = [duet, "score", "--model", str(directory), "--input-ids", ",".join(map(str, ENCODER_IDS)),
                "--logits-out", str(npy)]
        if seq2seq:
            args += ["--decoder-input-ids", ",".join(map(str, DECODER_IDS))]
        subprocess.run(args, check=True, capture_output=True)
        mine = np.load(npy)
    with torch.no_grad():
        if seq2seq:
            out = model(input_ids=torch.tensor([ENCODER_IDS]), decoder_input_ids=torch.tensor([DECODER_IDS]))
        else:
            out = model(input_ids=torch.tensor([ENCODER_IDS]))
    theirs = out.logits[0].numpy()
    worst = float(np.abs(mine - theirs).max())
    ok = not problems and worst <= tolerance
    print(f"{'ok  ' if ok else 'FAIL'} {directory}: {config['architectures'][0]}, keys {problems or 'complete'}, "
          f"max |duet - transformers| logit {worst:.2e} (largest logit {float(np.abs(theirs).max()):.3g})")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("directories", nargs="+", type=Path)
    ap.add_argument("--duet", default=str(Path(__file__).resolve().parents[2] / ".build" / "debug" / "duet"))
    ap.add_argument("--tolerance", type=float, default=1e-4)
    args = ap.parse_args()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    results = [check(args.duet, d, args.tolerance) for d in args.directories]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
