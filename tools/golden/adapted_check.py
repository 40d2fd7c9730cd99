"""Check a Duet-adapted T5Gemma directory against the paper's initialisation (reference §1.2).

Used by make_model_goldens.py:
    /work/venv/bin/python tools/golden/make_model_goldens.py --check-adapted ADAPTED --source GEMMA2 \
        [--encoder-source GEMMA2_E]
    /work/venv/bin/python tools/golden/make_model_goldens.py --self-test-adapted

Rules checked (E = encoder source, D = decoder source; balanced = encoder width == decoder width;
E defaults to D, i.e. one decoder-only source):
- config: every Gemma 2 architecture field of config.encoder equals E's and of config.decoder D's
  (widths, layer count, heads, head_dim, query_pre_attn_scalar, soft-caps, sliding window,
  layer_types, eps, activation, rope theta, vocab); decoder.cross_attention_hidden_size = encoder
  width; tie_word_embeddings; bos/pad/eos as in D.
- tensors: exactly the T5Gemma names (no lm_head, or one equal to the decoder embedding);
  encoder.* and decoder.* embeddings, per-layer norms, self-attention, MLP and final norms are
  copies of the mapped source tensor (converted to the stored dtype with torch's rounding).
- cross-attention, balanced: q/k/v/o copies of D's self-attention of the same layer; pre/post
  cross-attn norms copies of D's input_layernorm / post_attention_layernorm (Duet's choice, the
  paper is silent). Unbalanced: fresh (finite, not all zero, q/o not copies of self-attention),
  k/v of width [kv_heads*head_dim, encoder width]; cross norms zero (scale 1), as the reference says.
- the directory loads in transformers' T5GemmaForConditionalGeneration with no missing, unexpected
  or mismatched keys, and an fp32 eager forward on a padded batch gives finite encoder states,
  logits and loss.
Tensors are compared one at a time straight from the safetensors files (lazy), so the checker does
not hold both models in memory.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from transformers import Gemma2Config, Gemma2ForCausalLM, T5GemmaConfig, T5GemmaForConditionalGeneration

ARCH_FIELDS = ["vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
               "num_key_value_heads", "head_dim", "query_pre_attn_scalar", "attn_logit_softcapping",
               "final_logit_softcapping", "sliding_window", "layer_types", "rms_norm_eps", "hidden_activation",
               "attention_bias"]
LAYER_COPIES = {  # T5Gemma per-layer name -> Gemma 2 per-layer name
    "pre_self_attn_layernorm.weight": "input_layernorm.weight",
    "post_self_attn_layernorm.weight": "post_attention_layernorm.weight",
    "pre_feedforward_layernorm.weight": "pre_feedforward_layernorm.weight",
    "post_feedforward_layernorm.weight": "post_feedforward_layernorm.weight",
    **{f"self_attn.{p}_proj.weight": f"self_attn.{p}_proj.weight" for p in "qkvo"},
    **{f"mlp.{p}_proj.weight": f"mlp.{p}_proj.weight" for p in ("gate", "up", "down")},
}
CROSS_NORMS = {"pre_cross_attn_layernorm.weight": "input_layernorm.weight",
               "post_cross_attn_layernorm.weight": "post_attention_layernorm.weight"}


class TensorDir:
    """Lazy access to the tensors of a HF directory (single file or sharded with an index)."""

    def __init__(self, path: Path):
        index = path / "model.safetensors.index.json"
        if index.exists():
            weight_map = json.loads(index.read_text())["weight_map"]
            self.files = {name: path / shard for name, shard in weight_map.items()}
        elif (path / "model.safetensors").exists():
            with safe_open(str(path / "model.safetensors"), "pt") as f:
                self.files = {name: path / "model.safetensors" for name in f.keys()}
        else:
            raise FileNotFoundError(f"{path}: no model.safetensors or model.safetensors.index.json")

    def names(self) -> set[str]:
        return set(self.files)

    def get(self, name: str) -> torch.Tensor:
        with safe_open(str(self.files[name]), "pt") as f:
            return f.get_tensor(name)


def expected_mapping(cfg: T5GemmaConfig) -> tuple[dict, dict]:
    """(copies, cross): copies maps T5Gemma name -> ("E"|"D", Gemma 2 name); cross lists the
    decoder cross-attention tensors -> the D tensor they copy in the balanced case."""
    copies = {"model.encoder.embed_tokens.weight": ("E", "model.embed_tokens.weight"),
              "model.encoder.norm.weight": ("E", "model.norm.weight"),
              "model.decoder.embed_tokens.weight": ("D", "model.embed_tokens.weight"),
              "model.decoder.norm.weight": ("D", "model.norm.weight")}
    for stack, src, n in (("encoder", "E", cfg.encoder.num_hidden_layers),
                          ("decoder", "D", cfg.decoder.num_hidden_layers)):
        for i in range(n):
            for t5_name, g2_name in LAYER_COPIES.items():
                copies[f"model.{stack}.layers.{i}.{t5_name}"] = (src, f"model.layers.{i}.{g2_name}")
    cross = {}
    for i in range(cfg.decoder.num_hidden_layers):
        for p in "qkvo":
            cross[f"model.decoder.layers.{i}.cross_attn.{p}_proj.weight"] = f"model.layers.{i}.self_attn.{p}_proj.weight"
        for t5_name, g2_name in CROSS_NORMS.items():
            cross[f"model.decoder.layers.{i}.{t5_name}"] = f"model.layers.{i}.{g2_name}"
    return copies, cross


def config_problems(cfg: T5GemmaConfig, enc_src: Gemma2Config, dec_src: Gemma2Config) -> list[str]:
    bad = []
    for stack, module, src in (("encoder", cfg.encoder, enc_src), ("decoder", cfg.decoder, dec_src)):
        for field in ARCH_FIELDS:
            if getattr(module, field) != getattr(src, field):
                bad.append(f"config.{stack}.{field} = {getattr(module, field)!r}, source has {getattr(src, field)!r}")
        theta, src_theta = module.rope_parameters["rope_theta"], src.rope_parameters["rope_theta"]
        if theta != src_theta:
            bad.append(f"config.{stack} rope_theta = {theta}, source has {src_theta}")
    if cfg.decoder.cross_attention_hidden_size != cfg.encoder.hidden_size:
        bad.append("config.decoder.cross_attention_hidden_size != config.encoder.hidden_size")
    if not cfg.tie_word_embeddings:
        bad.append("config.tie_word_embeddings is false (T5Gemma ties the LM head to the decoder embedding)")
    for tok in ("bos_token_id", "pad_token_id", "eos_token_id"):
        if getattr(cfg.decoder, tok) != getattr(dec_src, tok):
            bad.append(f"config.decoder.{tok} = {getattr(cfg.decoder, tok)}, source has {getattr(dec_src, tok)}")
    return bad


def same_after_cast(stored: torch.Tensor, source: torch.Tensor) -> bool:
    return stored.shape == source.shape and torch.equal(stored, source.to(stored.dtype))


def tensor_problems(cfg: T5GemmaConfig, adapted: TensorDir, enc: TensorDir, dec: TensorDir) -> list[str]:
    bad = []
    copies, cross = expected_mapping(cfg)
    expected = set(copies) | set(cross)
    names = adapted.names()
    extra = names - expected - {"lm_head.out_proj.weight"}
    missing = expected - names
    bad += [f"unexpected tensor {n}" for n in sorted(extra)] + [f"missing tensor {n}" for n in sorted(missing)]
    if "lm_head.out_proj.weight" in names and not torch.equal(adapted.get("lm_head.out_proj.weight"),
                                                               adapted.get("model.decoder.embed_tokens.weight")):
        bad.append("lm_head.out_proj.weight is stored and differs from model.decoder.embed_tokens.weight")
    sources = {"E": enc, "D": dec}
    for name, (which, src_name) in sorted(copies.items()):
        if name in names and not same_after_cast(adapted.get(name), sources[which].get(src_name)):
            bad.append(f"{name} is not a copy of {'encoder' if which == 'E' else 'decoder'} source {src_name}")
    balanced = cfg.encoder.hidden_size == cfg.decoder.hidden_size
    for name, src_name in sorted(cross.items()):
        if name not in names:
            continue
        t = adapted.get(name)
        if balanced:
            if not same_after_cast(t, dec.get(src_name)):
                bad.append(f"{name} is not a copy of decoder source {src_name} (balanced: copy self-attention)")
        elif name.endswith("layernorm.weight"):
            if torch.count_nonzero(t) != 0:
                bad.append(f"{name}: unbalanced cross-attention norms should start at zero (scale 1)")
        else:
            if not torch.isfinite(t.float()).all() or torch.count_nonzero(t) == 0:
                bad.append(f"{name}: fresh cross-attention weight is not finite or all zero")
            if src_name.endswith(("q_proj.weight", "o_proj.weight")) and same_after_cast(t, dec.get(src_name)):
                bad.append(f"{name} copies {src_name}, but unbalanced cross-attention starts from scratch")
            if name.endswith(("k_proj.weight", "v_proj.weight")) and t.shape[1] != cfg.encoder.hidden_size:
                bad.append(f"{name}: shape {list(t.shape)} does not read the encoder width {cfg.encoder.hidden_size}")
    return bad


def forward_problems(adapted_dir: Path) -> list[str]:
    model, info = T5GemmaForConditionalGeneration.from_pretrained(
        adapted_dir, attn_implementation="eager", dtype=torch.float32, output_loading_info=True)
    bad = [f"transformers load: {k} {v}" for k, v in info.items() if v]
    model.eval()
    vocab = model.config.decoder.vocab_size
    gen = torch.Generator().manual_seed(0)
    enc = torch.randint(3, min(vocab, 1000), (2, 12), generator=gen)
    enc[:, 0] = 2
    enc_mask = torch.ones_like(enc)
    enc_mask[1, 8:] = 0
    enc[1, 8:] = 0
    labels = torch.randint(3, min(vocab, 1000), (2, 7), generator=gen)
    labels[1, 5:] = -100
    dec = model._shift_right(labels)
    with torch.no_grad():
        out = model(input_ids=enc, attention_mask=enc_mask, decoder_input_ids=dec,
                    decoder_attention_mask=(dec != 0).long(), labels=labels)
    for what, t in (("encoder states", out.encoder_last_hidden_state), ("logits", out.logits), ("loss", out.loss)):
        if not torch.isfinite(t).all():
            bad.append(f"forward: {what} contain NaN/inf")
    print(f"forward ok: loss {out.loss.item():.4f}, max |logit| {out.logits.abs().max().item():.3f}")
    return bad


def check_adapted(adapted_dir: Path, source_dir: Path, encoder_source_dir: Path | None = None) -> int:
    enc_dir = encoder_source_dir or source_dir
    cfg = T5GemmaConfig.from_pretrained(adapted_dir)
    enc_cfg, dec_cfg = Gemma2Config.from_pretrained(enc_dir), Gemma2Config.from_pretrained(source_dir)
    if cfg.encoder.hidden_size != dec_cfg.hidden_size and encoder_source_dir is None:
        print(f"note: encoder width {cfg.encoder.hidden_size} != source width {dec_cfg.hidden_size}: "
              "an unbalanced model needs --encoder-source")
    problems = config_problems(cfg, enc_cfg, dec_cfg)
    if not problems:  # tensor names follow from the config; skip them if it is already wrong
        problems += tensor_problems(cfg, TensorDir(adapted_dir), TensorDir(enc_dir), TensorDir(source_dir))
    problems += forward_problems(adapted_dir)
    kind = "balanced" if cfg.encoder.hidden_size == cfg.decoder.hidden_size else "unbalanced"
    for p in problems:
        print(f"FAIL {p}")
    print(f"{adapted_dir}: {kind} T5Gemma, {len(problems)} problem(s)")
    return 1 if problems else 0


# ----------------------------------------------------------------------------------------------
# Self-test: a reference adaptation written in Python, then corrupted copies of it.

def tiny_gemma2(seed: int, width: int, layers: int, path: Path) -> None:
    cfg = Gemma2Config(vocab_size=64, hidden_size=width, intermediate_size=2 * width, num_hidden_layers=layers,
                       num_attention_heads=4, num_key_value_heads=2, head_dim=8, query_pre_attn_scalar=8,
                       sliding_window=4)
    torch.manual_seed(seed)
    model = Gemma2ForCausalLM._from_config(cfg, attn_implementation="eager", dtype=torch.float32)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in model.named_parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * 0.2)
    model.save_pretrained(path)


def module_dict(src: Gemma2Config) -> dict:
    d = {f: getattr(src, f) for f in ARCH_FIELDS}
    d.update(rope_parameters=dict(src.rope_parameters), bos_token_id=src.bos_token_id,
             pad_token_id=src.pad_token_id, eos_token_id=src.eos_token_id)
    return d


def python_adapt(source: Path, out: Path, encoder_source: Path | None = None) -> None:
    """Reference implementation of §1.2 used only to test the checker."""
    enc_path = encoder_source or source
    enc_cfg, dec_cfg = Gemma2Config.from_pretrained(enc_path), Gemma2Config.from_pretrained(source)
    cfg = T5GemmaConfig(encoder=module_dict(enc_cfg), decoder=module_dict(dec_cfg), vocab_size=dec_cfg.vocab_size)
    torch.manual_seed(0)
    model = T5GemmaForConditionalGeneration._from_config(cfg, attn_implementation="eager", dtype=torch.float32)
    sd = model.state_dict()
    copies, cross = expected_mapping(cfg)
    src = {"E": load_file(str(enc_path / "model.safetensors")), "D": load_file(str(source / "model.safetensors"))}
    with torch.no_grad():
        for name, (which, src_name) in copies.items():
            sd[name].copy_(src[which][src_name])
        for name, src_name in cross.items():
            if cfg.encoder.hidden_size == cfg.decoder.hidden_size:
                sd[name].copy_(src["D"][src_name])
            elif name.endswith("layernorm.weight"):
                sd[name].zero_()
    model.save_pretrained(out)


def corrupt_tensor(path: Path, name: str) -> None:
    tensors = load_file(str(path / "model.safetensors"))
    tensors[name] = tensors[name] + 1e-3
    save_file(tensors, str(path / "model.safetensors"), metadata={"format": "pt"})


def self_test() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="duet-adapt-selftest-"))
    try:
        tiny_gemma2(1, 32, 2, tmp / "g2-32")
        tiny_gemma2(2, 16, 3, tmp / "g2-16")
        python_adapt(tmp / "g2-32", tmp / "balanced")
        python_adapt(tmp / "g2-16", tmp / "unbalanced", encoder_source=tmp / "g2-32")
        results = {"balanced ok": check_adapted(tmp / "balanced", tmp / "g2-32"),
                   "unbalanced ok": check_adapted(tmp / "unbalanced", tmp / "g2-16", tmp / "g2-32")}
        bad = tmp / "bad-cross"
        shutil.copytree(tmp / "balanced", bad)
        corrupt_tensor(bad, "model.decoder.layers.1.cross_attn.k_proj.weight")
        results["corrupted cross-attn caught"] = 1 - check_adapted(bad, tmp / "g2-32")
        bad = tmp / "bad-norm"
        shutil.copytree(tmp / "balanced", bad)
        corrupt_tensor(bad, "model.encoder.layers.0.post_feedforward_layernorm.weight")
        results["corrupted encoder norm caught"] = 1 - check_adapted(bad, tmp / "g2-32")
        bad = tmp / "bad-config"
        shutil.copytree(tmp / "balanced", bad)
        cfg = json.loads((bad / "config.json").read_text())
        cfg["encoder"]["sliding_window"] = 5
        (bad / "config.json").write_text(json.dumps(cfg))
        results["wrong encoder sliding_window caught"] = 1 - check_adapted(bad, tmp / "g2-32")
        results["wrong source caught"] = 1 - check_adapted(tmp / "balanced", tmp / "g2-16")
    finally:
        shutil.rmtree(tmp)
    for what, code in results.items():
        print(f"self-test {what}: {'yes' if code == 0 else 'NO'}")
    return 0 if all(code == 0 for code in results.values()) else 1
