#!/usr/bin/env python3
"""Golden fixtures for Duet's T5Gemma 2 (text) model: fp32, eager attention, CPU, transformers 5.25.

Recreate with:   /work/venv/bin/python tools/golden/make_t5gemma2_goldens.py
A tiny RANDOM T5Gemma2ForConditionalGeneration (no downloads), every parameter drawn from a seeded
torch.Generator, saved with save_pretrained into Tests/Fixtures/models/<case>/ with
  config.json, model.safetensors (+ generation_config.json)   as transformers writes them: the tiny
      SigLIP vision tower and projector are included (every T5Gemma 2 checkpoint carries them; Duet
      loads the text part and skips these), the decoder embedding and LM head are tied to
      model.encoder.embed_tokens.weight and not stored
  golden.json          inputs, HF loss, greedy tokens (KV cache; no-cache asserted equal), notes
  golden.safetensors   "logits" [B,T,V], "encoder_hidden" [B,S,d], "grad.<name>" for every TEXT
                       parameter, under its model.safetensors name

Case t5gemma2-merged:
  - encoder and decoder: hidden 32, 3 layers (sliding, full, sliding), GQA 4q/2kv, head_dim 8,
    query_pre_attn_scalar 8, per-head q/k norms with random weights, RoPE 10,000 (sliding) and
    1,000,000 (full), no soft-caps (T5Gemma 2 never passes one to the attention);
  - encoder sliding window 5 with T5Gemma 2's split bidirectional rule: keys at 0 <= q-k < (W+1)//2
    to the left and 0 < k-q < W//2+1 to the right (modeling_t5gemma2.sliding_window_mask_function),
    encoder input longer than the window;
  - decoder merged attention: one softmax over [causal (sliding) self keys ; encoder keys], encoder
    keys/values projected with the layer's own k_proj/v_proj and k_norm, no RoPE on them;
  - eoi_token_index 61 inside the vocabulary and present in the inputs: that token's embedding is the
    learned, unscaled eoi_embedding vector (grad.model.encoder.embed_tokens.eoi_embedding);
  - padding in both the encoder and the decoder batch.
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import torch
import torch.nn.functional as F
import transformers
from safetensors import safe_open
from safetensors.torch import save_file
from transformers import T5Gemma2Config, T5Gemma2ForConditionalGeneration
from transformers.utils import logging as hf_logging

from make_model_goldens import BOS, EOS, PAD, MIN_DISTINCT, MIN_GREEDY_MARGIN, NEW_TOKENS, right_pad

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "Tests" / "Fixtures" / "models"
EXPECTED_TRANSFORMERS = "5.25.0"
INIT = dict(embed=0.1, linear=0.4, qk=0.2, norm=1.0, eoi=0.5)
EOI = 61
VOCAB = 64

TEXT = dict(vocab_size=VOCAB, hidden_size=32, intermediate_size=48, num_hidden_layers=3, num_attention_heads=4,
            num_key_value_heads=2, head_dim=8, query_pre_attn_scalar=8, sliding_window=5, max_position_embeddings=128,
            layer_types=["sliding_attention", "full_attention", "sliding_attention"],
            rope_parameters={"full_attention": {"rope_type": "default", "rope_theta": 1_000_000.0},
                             "sliding_attention": {"rope_type": "default", "rope_theta": 10_000.0}},
            initializer_range=INIT["linear"])
VISION = dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2, image_size=28,
              patch_size=14)
CASE = dict(seed=4001, enc_lengths=[12, 7], dec_lengths=[10, 6], prompt_len=12)


def build_model():
    cfg = T5Gemma2Config(
        encoder=dict(text_config=dict(TEXT), vision_config=VISION, mm_tokens_per_image=4, boi_token_index=60,
                     eoi_token_index=EOI, image_token_index=62),
        decoder=dict(TEXT), eoi_token_index=EOI, vocab_size=VOCAB)
    model = T5Gemma2ForConditionalGeneration._from_config(cfg, attn_implementation="eager", dtype=torch.float32)
    randomize(model)
    return model.eval()


def text_parameters(model):
    """(name, parameter) of the text model, vision tower and projector excluded (tied ones once)."""
    return [(n, p) for n, p in model.named_parameters()
            if ".vision_tower." not in n and ".multi_modal_projector." not in n]


@torch.no_grad()
def randomize(model) -> None:
    gen = torch.Generator().manual_seed(CASE["seed"])
    for name, p in model.named_parameters():
        kind = "eoi" if name.endswith("eoi_embedding") else "embed" if "embed_tokens" in name else \
            "norm" if p.ndim == 1 else "qk" if name.endswith(("q_proj.weight", "k_proj.weight")) else "linear"
        p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float32) * INIT[kind])


def tokens(gen, n):
    """Ordinary ids in 3..VOCAB-2 (never the greedy sentinel VOCAB-1); make_batch puts the eoi id in."""
    return torch.randint(3, VOCAB - 1, (n,), generator=gen).tolist()


def make_batch(model, gen):
    enc_rows = [[BOS] + tokens(gen, n - 1) for n in CASE["enc_lengths"]]
    enc_rows[0][3] = EOI
    enc_rows[1][2] = EOI
    enc = right_pad(enc_rows, PAD)
    enc_mask = [[1] * len(r) + [0] * (len(enc[0]) - len(r)) for r in enc_rows]
    label_rows = [tokens(gen, n - 1) + [EOS] for n in CASE["dec_lengths"]]
    label_rows[0][4] = EOI  # the decoder input (labels shifted right) then holds it too
    labels = right_pad(label_rows, -100)
    dec = model.prepare_decoder_input_ids_from_labels(torch.tensor(labels)).tolist()
    dec_mask = [[int(t != PAD) for t in row] for row in dec]
    assert all(row[0] == BOS for row in dec), dec
    assert EOI in dec[0]
    return dict(input_ids=enc, attention_mask=enc_mask, decoder_input_ids=dec, decoder_attention_mask=dec_mask,
                labels=labels)


def saved_name(param_name: str) -> str:
    """named_parameters() name -> the name save_pretrained writes (text_model is folded away)."""
    return param_name.replace("model.encoder.text_model.", "model.encoder.")


def forward_and_grads(model, batch):
    t = {k: torch.tensor(v) for k, v in batch.items()}
    model.zero_grad(set_to_none=True)
    out = model(**t)
    out.loss.backward()
    logits = out.logits.detach()
    manual = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), t["labels"].reshape(-1))
    assert torch.allclose(manual, out.loss.detach(), rtol=1e-6, atol=1e-6), (manual, out.loss)
    grads = {f"grad.{saved_name(n)}": p.grad.detach().clone() for n, p in text_parameters(model)}
    return out.loss.item(), logits, out.encoder_last_hidden_state.detach(), grads


def check_semantics(model, batch, gen):
    """The properties the fixture is meant to exercise actually matter for it."""
    t = {k: torch.tensor(v) for k, v in batch.items() if k != "labels"}
    real = t["attention_mask"].bool()
    dreal = t["decoder_attention_mask"].bool()
    with torch.no_grad():
        base = model(**t)
        # Encoder pads influence nothing at real positions.
        noisy = dict(t)
        noisy["input_ids"] = torch.where(real, t["input_ids"], torch.randint(3, VOCAB - 1, real.shape, generator=gen))
        other = model(**noisy)
        assert torch.equal(base.encoder_last_hidden_state[real], other.encoder_last_hidden_state[real])
        assert torch.allclose(base.logits[dreal], other.logits[dreal], atol=0, rtol=0)
        # The eoi embedding is used: changing it changes the encoder states.
        emb = model.model.encoder.text_model.embed_tokens
        saved = emb.eoi_embedding.clone()
        emb.eoi_embedding.add_(1.0)
        moved = model(**t)
        emb.eoi_embedding.copy_(saved)
        assert (moved.encoder_last_hidden_state[real] - base.encoder_last_hidden_state[real]).abs().max() > 1e-3


def greedy(model, prompt, use_cache, sentinel):
    ids = torch.tensor([prompt])
    out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=NEW_TOKENS,
                         do_sample=False, use_cache=use_cache, eos_token_id=sentinel, output_logits=True,
                         return_dict_in_generate=True)
    margins = [float(v[0] - v[1]) for v in (torch.topk(l[0], 2).values for l in out.logits)]
    return out.sequences[0].tolist(), min(margins)


def run_greedy(model, gen):
    sentinel = VOCAB - 1
    for attempt in range(400):
        prompt = [BOS] + tokens(gen, CASE["prompt_len"] - 1)
        seq, margin = greedy(model, prompt, True, sentinel)
        assert seq[0] == BOS, "decoder start token is not <bos>"
        new = seq[1:]
        if len(new) != NEW_TOKENS or sentinel in new or margin < MIN_GREEDY_MARGIN or \
                len(set(new)) < MIN_DISTINCT or len(set(new[NEW_TOKENS // 2:])) < MIN_DISTINCT // 2:
            continue
        seq_nc, _ = greedy(model, prompt, False, sentinel)
        assert seq_nc == seq, f"greedy with use_cache=False differs:\n{seq}\n{seq_nc}"
        return prompt, new, margin, attempt, sentinel
    raise RuntimeError("no prompt with a clear greedy argmax found")


def main() -> int:
    if transformers.__version__ != EXPECTED_TRANSFORMERS:
        print(f"warning: made for transformers {EXPECTED_TRANSFORMERS}, this is {transformers.__version__}",
              file=sys.stderr)
    hf_logging.disable_progress_bar()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    torch.manual_seed(CASE["seed"])
    model = build_model()
    gen = torch.Generator().manual_seed(CASE["seed"] + 7)
    batch = make_batch(model, gen)
    loss, logits, enc_hidden, grads = forward_and_grads(model, batch)
    check_semantics(model, batch, gen)
    prompt, new, margin, attempt, sentinel = run_greedy(model, gen)

    name = "t5gemma2-merged"
    out = OUT / name
    if out.exists():
        shutil.rmtree(out)
    model.save_pretrained(out, safe_serialization=True)
    golden = {k: batch[k] for k in ["input_ids", "attention_mask", "decoder_input_ids", "decoder_attention_mask",
                                    "labels"]}
    golden.update(arch="t5gemma2", loss=loss, greedy={"input_ids": prompt, "tokens": new})
    golden["notes"] = (
        f"Made by tools/golden/make_t5gemma2_goldens.py with transformers {transformers.__version__}, torch "
        f"{torch.__version__}, fp32, CPU, eager attention. Loss = mean CE of logits[:, t] vs labels[:, t] over "
        f"labels != -100 (decoder_input_ids = labels shifted right). Greedy: generate(do_sample=False, "
        f"max_new_tokens=32, eos_token_id={sentinel} never produced), cache and no-cache equal; smallest top1-top2 "
        f"margin {margin:.4g}. Vision tower present in model.safetensors (random, unused: no pixel_values). "
        f"eoi_token_index {EOI} appears in both inputs.")
    golden["meta"] = dict(transformers=transformers.__version__, torch=torch.__version__, seed=CASE["seed"],
                          greedy_eos_sentinel=sentinel, greedy_min_margin=margin, greedy_prompt_attempt=attempt)
    (out / "golden.json").write_text(json.dumps(golden, indent=1) + "\n")
    tensors = {"logits": logits, "encoder_hidden": enc_hidden, **grads}
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(out / "golden.safetensors"), metadata={"format": "pt"})

    # Reload what was written: same logits, and every text weight has a gradient under its stored name.
    again = T5Gemma2ForConditionalGeneration.from_pretrained(out, attn_implementation="eager", dtype=torch.float32).eval()
    with torch.no_grad():
        res = again(**{k: torch.tensor(golden[k]) for k in ["input_ids", "attention_mask", "decoder_input_ids",
                                                              "decoder_attention_mask"]})
    assert torch.equal(res.logits, logits), (res.logits - logits).abs().max()
    with safe_open(str(out / "model.safetensors"), "pt") as f:
        text_names = {k for k in f.keys() if ".vision_tower." not in k and ".multi_modal_projector." not in k}
    grad_names = {k[len("grad."):] for k in grads}
    assert grad_names == text_names, grad_names ^ text_names
    print(json.dumps(dict(case=name, loss=loss, margin=margin, attempt=attempt)))
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"{out}: {total / 1e3:.1f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
