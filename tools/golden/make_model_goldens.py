#!/usr/bin/env python3
"""Golden fixtures for Duet's Gemma 2 and T5Gemma models (fp32, eager attention, CPU).

Recreate with:   /work/venv/bin/python tools/golden/make_model_goldens.py
Written for transformers 5.23.0 / torch 2.13 (CPU). No downloads: every model is a tiny RANDOM model
built from a config here, with every parameter drawn from a seeded torch.Generator.

For each case, Tests/Fixtures/models/<case>/ holds
  config.json, model.safetensors (+ generation_config.json)   from save_pretrained (f32, tied
                                                                embeddings: no lm_head tensor)
  golden.json          inputs, HF loss, greedy tokens, notes (format in tools/golden/README.md)
  golden.safetensors   "logits" [B,T,V] (soft-capped), T5Gemma "encoder_hidden" [B,S,dE],
                       "grad.<param>" for every trainable parameter (names as in model.safetensors)

Cases (all tiny; together well under 2.5 MB):
  gemma2-gqa         GQA 4q/2kv heads, head_dim 16 != hidden/heads (8), query_pre_attn_scalar 24,
                     sliding_window 4 < prompt length, explicit layer_types starting with a FULL layer
                     (so the engine must read layer_types instead of deriving them), soft-caps 5.0
                     (attention) and 3.0 (final) that bite (57% of final logits, 64% of attention scores
                     move by > 1%), every norm weight random (exercises 1+w).
  gemma2-mha         MHA (heads == kv heads), head_dim = hidden/heads, default soft-caps 50/30,
                     layer_types REMOVED from config.json (derived: even layers sliding), sliding
                     window 64 longer than every sequence.
  t5gemma-balanced   encoder and decoder of the same width, GQA, sliding windows 4 shorter than the
                     encoder input (bidirectional rule |q-kv| < W, see below), random norms, different
                     attention caps per stack (encoder 4.0, decoder 6.0; cross-attention uses the
                     decoder's), decoder final cap 3.0 while the encoder's (unused) final cap is 30,
                     padding in both the encoder and decoder batch.
  gemma3-qknorm      Gemma3ForCausalLM (made with transformers 5.25): per-head q/k RMSNorm with random
                     weights, 6 layers with layer_types REMOVED from config.json (derived with Gemma 3's
                     pattern of 6: five sliding layers, then one full), sliding window 4, RoPE base 10,000
                     on sliding layers and 1,000,000 with linear scaling x8 on the full layer, no soft-caps
                     (Gemma 3's attention never applies one), GQA 4q/2kv, head_dim 16 != hidden/heads.
  t5gemma-unbalanced encoder 32 wide / 3 layers / window 5, decoder 16 wide / 2 layers / window 3,
                     GQA, cross_attention_hidden_size 32, default soft-caps 50/30.

T5Gemma bidirectional sliding window: transformers 5.x masks encoder sliding layers with
abs(q - kv) <= W (masking_utils.sliding_window_bidirectional_overlay), while the authors' JAX code and
the first HF release (4.53) use abs(q - kv) < W (reference §3.5). Duet implements `<`, so this script
replaces masking_utils.sliding_window_bidirectional_overlay with the `<` rule before any T5Gemma
forward (hf_probes.py), checks that the replacement is live and that it changes the encoder states of
the T5Gemma cases, and says so in each golden.json "notes".

Also: `--check-adapted DIR --source DEC_ONLY_DIR [--encoder-source DIR]` checks a Duet-adapted
T5Gemma directory against the paper's initialisation mapping (see adapted_check.py), and
`--self-test-adapted` exercises that checker on a Python-built adaptation (and a corrupted one).
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import torch
import torch.nn.functional as F
import transformers
from safetensors import safe_open
from safetensors.torch import save_file
from transformers import (Gemma2Config, Gemma2ForCausalLM, Gemma3ForCausalLM, Gemma3TextConfig, T5GemmaConfig,
                          T5GemmaForConditionalGeneration)
from transformers.utils import logging as hf_logging
from transformers.models.gemma2 import modeling_gemma2
from transformers.models.gemma3 import modeling_gemma3
from transformers.models.t5gemma import modeling_t5gemma

from hf_probes import (AttentionProbe, HeadProbe, check_strict_window_is_live, fully_masked_rows, softcap_stats,
                       use_strict_bidirectional_window)

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "Tests" / "Fixtures" / "models"
EXPECTED_TRANSFORMERS = "5.23.0"
NEW_TOKENS = 32
MIN_GREEDY_MARGIN = 2e-3  # top-1 minus top-2 logit at every greedy step: keeps fp32 argmax unambiguous
BOS, EOS, PAD = 2, 1, 0
FIRST_ORDINARY_TOKEN = 3  # inputs avoid pad/eos/bos so that masks and ids never disagree

# ----------------------------------------------------------------------------------------------
# Cases.

# Weight scales (std of N(0, s)). Small embeddings + large norm weights and linears keep the residual
# stream from being dominated by the (tied) input embedding, which would make greedy decoding repeat
# one token forever; with these, greedy outputs vary (>= MIN_DISTINCT distinct tokens in 32,
# >= MIN_DISTINCT/2 in the last 16, so a cache bug late in decoding cannot hide in a repeat loop). q/k
# projections are smaller so that attention scores sit where tanh soft-capping bends but does not
# saturate (saturated scores would leave almost no gradient to check).
INIT = dict(embed=0.1, linear=0.4, qk=0.2, norm=1.0)
MIN_DISTINCT = 10

CASES = {
    "gemma2-gqa": dict(
        arch="gemma2", seed=1001, lengths=[14, 9], prompt_len=11,
        init=INIT,
        config=dict(vocab_size=96, hidden_size=32, intermediate_size=64, num_hidden_layers=4,
                    num_attention_heads=4, num_key_value_heads=2, head_dim=16, query_pre_attn_scalar=24,
                    sliding_window=4,
                    layer_types=["full_attention", "sliding_attention", "full_attention", "sliding_attention"],
                    attn_logit_softcapping=5.0, final_logit_softcapping=3.0, initializer_range=INIT["linear"])),
    "gemma2-mha": dict(
        arch="gemma2", seed=1002, lengths=[12, 7], prompt_len=10, drop_layer_types=True,
        init=INIT,
        config=dict(vocab_size=64, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=4, head_dim=8, query_pre_attn_scalar=8,
                    sliding_window=64, initializer_range=INIT["linear"])),
    "gemma3-qknorm": dict(
        arch="gemma3", seed=3001, lengths=[14, 9], prompt_len=11, drop_layer_types=True,
        init=INIT,
        config=dict(vocab_size=96, hidden_size=32, intermediate_size=64, num_hidden_layers=6,
                    num_attention_heads=4, num_key_value_heads=2, head_dim=16, query_pre_attn_scalar=24,
                    sliding_window=4,
                    rope_parameters={"full_attention": {"rope_type": "linear", "factor": 8.0, "rope_theta": 1_000_000.0},
                                     "sliding_attention": {"rope_type": "default", "rope_theta": 10_000.0}},
                    initializer_range=INIT["linear"])),
    "t5gemma-balanced": dict(
        arch="t5gemma", seed=2001, enc_lengths=[12, 7], dec_lengths=[10, 6], prompt_len=12,
        init=INIT,
        encoder=dict(vocab_size=64, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                     num_attention_heads=4, num_key_value_heads=2, head_dim=8, query_pre_attn_scalar=8,
                     sliding_window=4, attn_logit_softcapping=4.0, final_logit_softcapping=30.0,
                     initializer_range=INIT["linear"]),
        decoder=dict(vocab_size=64, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                     num_attention_heads=4, num_key_value_heads=2, head_dim=8, query_pre_attn_scalar=8,
                     sliding_window=4, attn_logit_softcapping=6.0, final_logit_softcapping=3.0,
                     initializer_range=INIT["linear"])),
    "t5gemma-unbalanced": dict(
        arch="t5gemma", seed=2002, enc_lengths=[11, 8], dec_lengths=[9, 5], prompt_len=10,
        init=INIT,
        encoder=dict(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=3,
                     num_attention_heads=4, num_key_value_heads=2, head_dim=8, query_pre_attn_scalar=8,
                     sliding_window=5, initializer_range=INIT["linear"]),
        decoder=dict(vocab_size=64, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                     num_attention_heads=4, num_key_value_heads=2, head_dim=8, query_pre_attn_scalar=8,
                     sliding_window=3, initializer_range=INIT["linear"])),
}


def build_model(case: dict):
    if case["arch"] == "gemma2":
        cfg = Gemma2Config(**case["config"])
        model = Gemma2ForCausalLM._from_config(cfg, attn_implementation="eager", dtype=torch.float32)
    elif case["arch"] == "gemma3":
        cfg = Gemma3TextConfig(**case["config"])
        model = Gemma3ForCausalLM._from_config(cfg, attn_implementation="eager", dtype=torch.float32)
    else:
        vocab = case["decoder"]["vocab_size"]
        cfg = T5GemmaConfig(encoder=dict(case["encoder"]), decoder=dict(case["decoder"]), vocab_size=vocab,
                            initializer_range=case["decoder"]["initializer_range"])
        model = T5GemmaForConditionalGeneration._from_config(cfg, attn_implementation="eager",
                                                              dtype=torch.float32)
    randomize(model, case)
    return model.eval()


@torch.no_grad()
def randomize(model, case: dict) -> None:
    """Draw every parameter (embeddings incl. the pad row, linears, norms) from one seeded generator."""
    gen = torch.Generator().manual_seed(case["seed"])
    std = case["init"]
    for name, p in model.named_parameters():
        kind = "embed" if "embed_tokens" in name else "norm" if p.ndim == 1 else \
            "qk" if name.endswith(("q_proj.weight", "k_proj.weight")) else "linear"
        p.copy_(torch.randn(p.shape, generator=gen, dtype=torch.float32) * std[kind])


def random_tokens(gen: torch.Generator, n: int, vocab: int) -> list[int]:
    return torch.randint(FIRST_ORDINARY_TOKEN, vocab, (n,), generator=gen).tolist()


def right_pad(rows: list[list[int]], value: int) -> list[list[int]]:
    width = max(len(r) for r in rows)
    return [r + [value] * (width - len(r)) for r in rows]


# ----------------------------------------------------------------------------------------------
# Greedy decoding.

def greedy(model, gen_kwargs: dict, vocab: int, use_cache: bool, eos_sentinel: int):
    out = model.generate(**gen_kwargs, max_new_tokens=NEW_TOKENS, do_sample=False, use_cache=use_cache,
                         eos_token_id=eos_sentinel, output_logits=True, return_dict_in_generate=True)
    margins = [float(v[0] - v[1]) for v in (torch.topk(l[0], 2).values for l in out.logits)]
    return out.sequences[0].tolist(), min(margins)


def run_greedy(model, case: dict, gen: torch.Generator, vocab: int, is_seq2seq: bool):
    """Find (deterministically) a prompt whose 32 greedy steps have a clear argmax and varied output,
    generate with the KV cache, and assert the no-cache path produces the same tokens.

    EOS handling: generate() is called with eos_token_id = a sentinel id that the run never produces
    (asserted), so it cannot stop early and no logits processor alters the argmax (min_new_tokens
    would mask eos instead). Real eos (1) may appear among the tokens like any other id."""
    for attempt in range(400):
        prompt = [BOS] + random_tokens(gen, case["prompt_len"] - 1, vocab)
        ids = torch.tensor([prompt])
        kwargs = dict(input_ids=ids, attention_mask=torch.ones_like(ids))
        sentinel = vocab - 1
        seq, margin = greedy(model, kwargs, vocab, True, sentinel)
        new = seq[1:] if is_seq2seq else seq[len(prompt):]
        if is_seq2seq:
            assert seq[0] == BOS, "decoder start token is not <bos>"
        if len(new) != NEW_TOKENS or sentinel in new or margin < MIN_GREEDY_MARGIN or \
                len(set(new)) < MIN_DISTINCT or len(set(new[NEW_TOKENS // 2:])) < MIN_DISTINCT // 2:
            continue
        seq_nc, _ = greedy(model, kwargs, vocab, False, sentinel)
        assert seq_nc == seq, f"greedy with use_cache=False differs:\n{seq}\n{seq_nc}"
        return prompt, new, margin, attempt, sentinel
    raise RuntimeError("no prompt with a clear greedy argmax found")


# ----------------------------------------------------------------------------------------------
# Cases -> fixtures.

def gemma2_batch(case: dict, gen: torch.Generator, vocab: int) -> dict:
    rows = [[BOS] + random_tokens(gen, n - 1, vocab) for n in case["lengths"]]
    ids = right_pad(rows, PAD)
    mask = [[1] * len(r) + [0] * (len(ids[0]) - len(r)) for r in rows]
    labels = [[t if m else -100 for t, m in zip(ri, rm)] for ri, rm in zip(ids, mask)]
    return dict(input_ids=ids, attention_mask=mask, labels=labels)


def t5gemma_batch(model, case: dict, gen: torch.Generator, vocab: int) -> dict:
    enc_rows = [[BOS] + random_tokens(gen, n - 1, vocab) for n in case["enc_lengths"]]
    enc = right_pad(enc_rows, PAD)
    enc_mask = [[1] * len(r) + [0] * (len(enc[0]) - len(r)) for r in enc_rows]
    # labels = targets ending with <eos>, -100 on pads; decoder inputs = shift_right(labels).
    label_rows = [random_tokens(gen, n - 1, vocab) + [EOS] for n in case["dec_lengths"]]
    labels = right_pad(label_rows, -100)
    dec = model._shift_right(torch.tensor(labels)).tolist()
    dec_mask = [[int(t != PAD) for t in row] for row in dec]
    assert all(row[0] == BOS for row in dec)
    return dict(input_ids=enc, attention_mask=enc_mask, decoder_input_ids=dec,
                decoder_attention_mask=dec_mask, labels=labels)


def forward_and_grads(model, batch: dict, arch: str):
    tensors = {k: torch.tensor(v) for k, v in batch.items()}
    model.zero_grad(set_to_none=True)
    out = model(**tensors)
    out.loss.backward()
    logits = out.logits.detach()
    # The loss is HF's; re-derive it from the logits to pin down the semantics stated in the README.
    v = logits.shape[-1]
    if arch != "t5gemma":
        manual = F.cross_entropy(logits[:, :-1].reshape(-1, v), tensors["labels"][:, 1:].reshape(-1))
    else:
        manual = F.cross_entropy(logits.reshape(-1, v), tensors["labels"].reshape(-1))
    assert torch.allclose(manual, out.loss.detach(), rtol=1e-6, atol=1e-6), (manual, out.loss)
    grads = {f"grad.{n}": p.grad.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    assert all(g is not None for g in grads.values())
    encoder_hidden = out.encoder_last_hidden_state.detach() if arch == "t5gemma" else None
    return out.loss.item(), logits, encoder_hidden, grads


def check_masks_t5gemma(model, batch: dict, vocab: int, gen: torch.Generator) -> None:
    """With both masks passed, encoder pad ids must not influence anything at real positions
    (encoder self-attention and cross-attention both mask pad keys). Without attention_mask HF
    builds the encoder mask from pad ids but leaves cross-attention unmasked: logits change."""
    t = {k: torch.tensor(v) for k, v in batch.items() if k != "labels"}
    with torch.no_grad():
        base = model(**t)
        noisy = dict(t)
        noisy["input_ids"] = torch.where(t["attention_mask"].bool(), t["input_ids"],
                                         torch.randint(FIRST_ORDINARY_TOKEN, vocab, t["input_ids"].shape,
                                                       generator=gen))
        other = model(**noisy)
        real = t["attention_mask"].bool()
        assert torch.equal(base.encoder_last_hidden_state[real], other.encoder_last_hidden_state[real])
        dreal = t["decoder_attention_mask"].bool()
        assert torch.allclose(base.logits[dreal], other.logits[dreal], atol=0, rtol=0)
        no_mask = {k: v for k, v in t.items() if k != "attention_mask"}
        unmasked = model(**no_mask)
        assert not torch.allclose(base.logits[dreal], unmasked.logits[dreal]), "cross mask quirk not seen"
        # The encoder input is longer than the window, so `<` vs `<=` must change the golden.
        use_strict_bidirectional_window(False)
        try:
            hf_rule = model(**t)
        finally:
            use_strict_bidirectional_window(True)
        diff = (hf_rule.encoder_last_hidden_state[real] - base.encoder_last_hidden_state[real]).abs().max()
        assert diff > 1e-3, f"window rule does not matter for this input (max diff {diff})"


def save_fixture(case_name: str, case: dict, model, golden: dict, tensors: dict) -> Path:
    out = OUT / case_name
    if out.exists():
        shutil.rmtree(out)
    model.save_pretrained(out, safe_serialization=True)
    if case.get("drop_layer_types"):
        cfg_path = out / "config.json"
        cfg = json.loads(cfg_path.read_text())
        cfg.pop("layer_types")
        cfg_path.write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    (out / "golden.json").write_text(json.dumps(golden, indent=1) + "\n")
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(out / "golden.safetensors"),
              metadata={"format": "pt"})
    return out


NOTE_COMMON = (
    "Made by tools/golden/make_model_goldens.py with transformers {tv}, torch {pv}, fp32, CPU, eager "
    "attention, random weights from a seeded torch.Generator. Greedy: model.generate(do_sample=False, "
    "max_new_tokens=32) with the KV cache and eos_token_id={sentinel} (a sentinel id never produced, so "
    "generation cannot stop early and no logits processor touches the argmax; real eos=1 is an ordinary "
    "token here); use_cache=False gives the same tokens (asserted); smallest top1-top2 logit margin over "
    "the 32 steps = {margin:.4g}. Tied embeddings: grad of the embedding includes the LM-head part; "
    "nn.Embedding(padding_idx=0) gives row 0 no lookup gradient, so grad row 0 is the LM-head part only. "
    "Fully masked query rows (no visible key): HF adds finfo.min to every score, so softmax is a UNIFORM "
    "average over all kv positions (JAX gives zeros); such rows only occur at padded query positions, "
    "which affect no loss and no real position: compare logits/encoder_hidden only where the mask is 1 "
    "(or reproduce HF's rule). Rows here: {rows}. ")
NOTE_GEMMA2 = "Loss = HF causal LM loss: mean CE of logits[:, t] vs labels[:, t+1] over labels != -100. "
NOTE_GEMMA3 = (
    "Gemma3ForCausalLM: q_norm/k_norm (RMSNorm, 1+w, per head, before RoPE); RoPE per layer type "
    "(config.rope_parameters); layer_types removed from config.json, derived with pattern 6. ")
NOTE_T5 = (
    "Loss = HF ForMaskedLM loss: mean CE of logits[:, t] vs labels[:, t] (no extra shift) over labels != "
    "-100; decoder_input_ids == T5Gemma._shift_right(labels) (asserted). Forward gets attention_mask AND "
    "decoder_attention_mask; the cross-attention masks encoder pads with attention_mask (without it HF "
    "would attend encoder pads: checked). Encoder sliding layers use the JAX / transformers-4.53 rule "
    "|q-kv| < sliding_window, NOT transformers 5.x's <=: masking_utils.sliding_window_bidirectional_overlay "
    "was monkeypatched (the encoder input is longer than the window, so the rule matters). Decoder "
    "self-attention slides causally (q-W < kv <= q); cross-attention never slides. ")


def make_case(name: str, case: dict) -> dict:
    torch.manual_seed(case["seed"])  # HF's own init draws from the global RNG before randomize()
    model = build_model(case)
    is_t5 = case["arch"] == "t5gemma"
    vocab = model.config.decoder.vocab_size if is_t5 else model.config.vocab_size
    gen = torch.Generator().manual_seed(case["seed"] + 7)
    batch = t5gemma_batch(model, case, gen, vocab) if is_t5 else gemma2_batch(case, gen, vocab)
    probe_module = modeling_t5gemma if is_t5 else modeling_gemma3 if case["arch"] == "gemma3" else modeling_gemma2
    head = HeadProbe(model.lm_head.out_proj if is_t5 else model.lm_head)
    with AttentionProbe(probe_module) as probe, head:
        loss, logits, enc_hidden, grads = forward_and_grads(model, batch, case["arch"])
    rows = fully_masked_rows(probe.records)
    for r in rows:  # HF's uniform-average rows must only ever be padded query positions
        mask = batch["attention_mask" if r["stack"] == "encoder" or not is_t5 else "decoder_attention_mask"]
        assert mask[r["batch"]][r["query"]] == 0, f"fully masked row at a real position: {r}"
    rows = [f"{r['stack']} {r['kind']} layer {r['layer']} batch {r['batch']} query {r['query']}" for r in rows]
    final_cap = (model.config.decoder if is_t5 else model.config).final_logit_softcapping
    valid = torch.tensor(batch["decoder_attention_mask" if is_t5 else "attention_mask"]).bool()
    stats = softcap_stats(probe.records, head.raw[valid], final_cap, logits[valid])
    if is_t5:
        check_masks_t5gemma(model, batch, vocab, gen)
    prompt, tokens, margin, attempt, sentinel = run_greedy(model, case, gen, vocab, is_t5)

    golden = dict(arch=case["arch"], **{k: batch[k] for k in (
        ["input_ids", "attention_mask", "decoder_input_ids", "decoder_attention_mask", "labels"] if is_t5
        else ["input_ids", "attention_mask", "labels"])})
    golden["loss"] = loss
    golden["greedy"] = {("input_ids" if is_t5 else "prompt"): prompt, "tokens": tokens}
    golden["notes"] = NOTE_COMMON.format(tv=transformers.__version__, pv=torch.__version__, sentinel=sentinel,
                                         margin=margin, rows="; ".join(rows) or "none") + (
        NOTE_T5 if is_t5 else NOTE_GEMMA2 + (NOTE_GEMMA3 if case["arch"] == "gemma3" else ""))
    golden["meta"] = dict(transformers=transformers.__version__, torch=torch.__version__, seed=case["seed"],
                          greedy_eos_sentinel=sentinel, greedy_min_margin=margin,
                          greedy_prompt_attempt=attempt, fully_masked_rows=rows,
                          strict_bidirectional_window=is_t5, stats=stats)
    tensors = {"logits": logits, **grads}
    if is_t5:
        tensors["encoder_hidden"] = enc_hidden
    out = save_fixture(name, case, model, golden, tensors)
    verify_fixture(out, case)
    return dict(case=name, loss=loss, margin=margin, rows=len(rows), **stats)


def verify_fixture(out: Path, case: dict) -> None:
    """Reload what was written and check it is self-consistent."""
    is_t5 = case["arch"] == "t5gemma"
    cls = {"t5gemma": T5GemmaForConditionalGeneration, "gemma2": Gemma2ForCausalLM, "gemma3": Gemma3ForCausalLM}[case["arch"]]
    model, info = cls.from_pretrained(out, attn_implementation="eager", dtype=torch.float32,
                                      output_loading_info=True)
    model.eval()
    assert not any(info[k] for k in ("missing_keys", "unexpected_keys", "mismatched_keys")), info
    golden = json.loads((out / "golden.json").read_text())
    with safe_open(str(out / "model.safetensors"), "pt") as f:
        weight_names = set(f.keys())
        assert all(f.get_slice(k).get_dtype() == "F32" for k in weight_names)
    assert not any(k.startswith("lm_head") for k in weight_names), "tied LM head must not be stored"
    with safe_open(str(out / "golden.safetensors"), "pt") as f:
        gold = {k: f.get_tensor(k) for k in f.keys()}
    grad_names = {k[len("grad."):] for k in gold if k.startswith("grad.")}
    assert grad_names == weight_names, weight_names ^ grad_names
    if case.get("drop_layer_types"):
        assert "layer_types" not in json.loads((out / "config.json").read_text())
        n = model.config.num_hidden_layers
        period = 6 if case["arch"] == "gemma3" else 2
        assert model.config.layer_types == ["full_attention" if (i + 1) % period == 0 else "sliding_attention"
                                            for i in range(n)]
    keys = ["input_ids", "attention_mask", "decoder_input_ids", "decoder_attention_mask"] if is_t5 else \
        ["input_ids", "attention_mask"]
    with torch.no_grad():
        res = model(**{k: torch.tensor(golden[k]) for k in keys}, labels=torch.tensor(golden["labels"]))
    assert torch.equal(res.logits, gold["logits"]), (res.logits - gold["logits"]).abs().max()
    assert abs(res.loss.item() - golden["loss"]) == 0.0
    if is_t5:
        assert torch.equal(res.encoder_last_hidden_state, gold["encoder_hidden"])
        assert gold["encoder_hidden"].shape[-1] == model.config.encoder.hidden_size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check-adapted", metavar="DIR", help="Duet-adapted T5Gemma directory to check")
    ap.add_argument("--source", metavar="DIR", help="decoder-only Gemma 2 source of the adaptation")
    ap.add_argument("--encoder-source", metavar="DIR",
                    help="Gemma 2 source of the encoder (unbalanced, e.g. 9B-2B); default: --source")
    ap.add_argument("--self-test-adapted", action="store_true",
                    help="check the --check-adapted logic on a Python-built adaptation")
    ap.add_argument("--only", nargs="*", help="make only these cases")
    args = ap.parse_args()
    if args.check_adapted or args.self_test_adapted:
        import adapted_check  # sits next to this script (sys.path[0])
        if args.self_test_adapted:
            return adapted_check.self_test()
        if not args.source:
            ap.error("--check-adapted needs --source")
        return adapted_check.check_adapted(Path(args.check_adapted), Path(args.source),
                                           Path(args.encoder_source) if args.encoder_source else None)

    if transformers.__version__ != EXPECTED_TRANSFORMERS:
        print(f"warning: goldens were made with transformers {EXPECTED_TRANSFORMERS}, "
              f"this is {transformers.__version__}", file=sys.stderr)
    hf_logging.disable_progress_bar()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)  # one thread: reduction order and thus every bit is reproducible
    use_strict_bidirectional_window(True)
    check_strict_window_is_live()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, case in CASES.items():
        if args.only and name not in args.only:
            continue
        r = make_case(name, case)
        print(json.dumps(r))
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"fixtures total: {total / 1e6:.3f} MB in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
