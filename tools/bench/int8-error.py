#!/usr/bin/env python3
"""int8 against bf16 on the bundled models (docs/int8.md): held-out accuracy and the logits of one passage prompt.

Usage: tools/bench/int8-error.py [DUET] [MODEL_DIR...]
DUET defaults to .build/release/duet, the models to assets/models/duet-mini-it and assets/models/duet-mini-mini-it.
For each model: `duet eval tasks` on assets/models/heldout-eval.jsonl with the bf16 weights and with `--quantize
int8`; then `duet score --logits-out` on the passage prompt in the chat template (an encoder-decoder also gets
<bos> and its greedy bf16 reply as decoder input) both ways, and the max abs difference, mean KL(bf16 || int8)
and arg-max agreement of the two logit arrays. Needs numpy and tokenizers (the venv of tools/golden/README.md).
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from tokenizers import Tokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROMPT = "Hele lives in Kroleza. She likes the color gold best. Hele likes to eat jam.\n\nWhat is Hele's favorite color?"
HELD_OUT = os.path.join(ROOT, "assets/models/heldout-eval.jsonl")


def run(duet, *args):
    return subprocess.run([duet, *args], check=True, capture_output=True, text=True).stdout


def accuracy(duet, model, quantize):
    out = run(duet, "eval", "tasks", "--model", model, "--eval", HELD_OUT, "--json", *quantize)
    overall = json.loads(out)["overall"]
    return overall["correct"], overall["n"]


def logits(duet, model, ids, decoder_ids, quantize, path):
    extra = ["--decoder-input-ids", ",".join(map(str, decoder_ids))] if decoder_ids else []
    run(duet, "score", "--model", model, "--input-ids", ",".join(map(str, ids)), *extra, "--logits-out", path, *quantize)
    return np.load(path).reshape(-1, np.load(path).shape[-1]).astype(np.float64)


def main():
    duet = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/release/duet")
    models = sys.argv[2:] or [os.path.join(ROOT, "assets/models", m) for m in ("duet-mini-it", "duet-mini-mini-it")]
    for model in models:
        config = json.load(open(os.path.join(model, "config.json")))
        encoder_decoder = "encoder" in config or config.get("is_encoder_decoder", False)
        tok = Tokenizer.from_file(os.path.join(model, "tokenizer.json"))
        chat = f"<bos><start_of_turn>user\n{PROMPT}<end_of_turn>\n<start_of_turn>model\n"
        ids = tok.encode(chat, add_special_tokens=False).ids
        decoder_ids = None
        if encoder_decoder:
            reply = run(duet, "generate", "--model", model, "--prompt", PROMPT, "--chat", "--max-tokens", "16").strip()
            decoder_ids = [tok.token_to_id("<bos>")] + tok.encode(reply, add_special_tokens=False).ids
        with tempfile.TemporaryDirectory() as tmp:
            a = logits(duet, model, ids, decoder_ids, [], os.path.join(tmp, "bf16.npy"))
            b = logits(duet, model, ids, decoder_ids, ["--quantize", "int8"], os.path.join(tmp, "int8.npy"))
        pa = np.exp(a - a.max(1, keepdims=True)); pa /= pa.sum(1, keepdims=True)
        pb = np.exp(b - b.max(1, keepdims=True)); pb /= pb.sum(1, keepdims=True)
        kl = float(np.mean(np.sum(pa * (np.log(pa + 1e-30) - np.log(pb + 1e-30)), axis=1)))
        agree = int(np.sum(a.argmax(1) == b.argmax(1)))
        (c16, n), (c8, _) = accuracy(duet, model, []), accuracy(duet, model, ["--quantize", "int8"])
        print(f"{os.path.basename(model)}: held-out bf16 {c16}/{n} ({100 * c16 / n:.1f}%), int8 {c8}/{n} ({100 * c8 / n:.1f}%); "
              f"logits over {a.shape[0]} positions: max abs difference {np.abs(a - b).max():.2f} (largest logit "
              f"{np.abs(a).max():.1f}), mean KL {kl:.1e}, arg-max equal on {agree} of {a.shape[0]} rows")


if __name__ == "__main__":
    main()
