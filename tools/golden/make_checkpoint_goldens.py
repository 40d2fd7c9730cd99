#!/usr/bin/env python3
"""Checkpoint goldens for Duet's model-file IO (Tests/Fixtures/checkpoints).

Default mode (seeded, no downloads) writes, with transformers' own save_pretrained:
  gemma2-bf16-sharded/  tiny random Gemma2ForCausalLM in bf16, forced into >= 2 shards
  t5gemma-f32/          tiny random T5GemmaForConditionalGeneration in f32 (decoder wider than the
                        encoder, so cross-attention K/V read the encoder width), single file
  tensors.json          per tensor of both: dtype, shape, first/last value, float64 sum and sum of
                        squares of the values (widened to f32), so Swift can check every byte it reads
  reference/*.npy       two whole tensors as f32 .npy (one per model)
  writer-reference.safetensors  safetensors.torch.save_file of a fixed mixed-dtype set (scalar and
                        empty tensors included): Duet's writer must reproduce it byte for byte

--verify-duet PATH_TO_DUET: runs `duet convert` on the fixtures (to f32 and bf16, sharded and not;
the sharded runs with --normalize-config, so config.json comes from Duet's own encoder)
into a temporary directory and asserts transformers loads each result with the declared dtype, the
same config, and tensors identical to the source (bf16 -> f32 -> bf16 exact), and that an unsharded
f32 output is byte-identical to safetensors' own writer.

Run: /work/venv/bin/python tools/golden/make_checkpoint_goldens.py [--verify-duet .build/debug/duet]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch
from safetensors.torch import save_file
from transformers import (AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, Gemma2Config,
                          Gemma2ForCausalLM, T5GemmaConfig, T5GemmaForConditionalGeneration,
                          T5GemmaModuleConfig)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "checkpoints")
GEMMA2_DIR = "gemma2-bf16-sharded"
T5GEMMA_DIR = "t5gemma-f32"


def gemma2_model():
    config = Gemma2Config(
        vocab_size=64, hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2,
        num_key_value_heads=1, head_dim=8, query_pre_attn_scalar=8, sliding_window=4,
        eos_token_id=[1, 7], bos_token_id=2, pad_token_id=0)
    model = Gemma2ForCausalLM(config)
    randomize(model, seed=1)
    return model.to(torch.bfloat16)


def t5gemma_model():
    common = dict(vocab_size=64, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2,
                  num_key_value_heads=1, head_dim=8, query_pre_attn_scalar=8, sliding_window=4)
    encoder = T5GemmaModuleConfig(hidden_size=16, **common)
    decoder = T5GemmaModuleConfig(hidden_size=24, **common)
    config = T5GemmaConfig(encoder=encoder, decoder=decoder, vocab_size=64)
    model = T5GemmaForConditionalGeneration(config)
    randomize(model, seed=2)
    return model


def randomize(model, seed):
    # Norm weights start at zero in Gemma; give every tensor distinct values so a swapped or
    # misread tensor cannot go unnoticed.
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _, p in sorted(model.named_parameters()):
            p.copy_(torch.randn(p.shape, generator=gen) * 0.5)


def stored_tensors(directory):
    """name -> tensor, read with safetensors from every weight file of a directory."""
    from safetensors import safe_open
    out = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".safetensors"):
            with safe_open(os.path.join(directory, name), "pt") as f:
                for key in f.keys():
                    out[key] = f.get_tensor(key)
    return out


def writer_reference():
    """A fixed mixed-dtype set; the Swift test builds the same tensors from the same formulas."""
    return {
        "zeta.f32": (torch.arange(6, dtype=torch.float32) * 0.5 - 1).reshape(2, 3),
        "alpha.bf16": torch.tensor([1.0, -2.0, 3.5], dtype=torch.bfloat16),
        "mid.f16": torch.tensor([0.25, 65504.0, -0.0, 2.0**-24, 2.0], dtype=torch.float16),
        "scalar.f32": torch.tensor(7.0, dtype=torch.float32),
        "empty.f32": torch.zeros((0, 4), dtype=torch.float32),
        "beta.bf16": torch.tensor([[0.5], [0.75]], dtype=torch.bfloat16),
    }


def make():
    torch.manual_seed(0)
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(os.path.join(ROOT, "reference"))
    gemma2 = gemma2_model()
    gemma2.save_pretrained(os.path.join(ROOT, GEMMA2_DIR), max_shard_size="8KB")
    t5 = t5gemma_model()
    t5.save_pretrained(os.path.join(ROOT, T5GEMMA_DIR))

    summary = {}
    for directory in (GEMMA2_DIR, T5GEMMA_DIR):
        entries = {}
        for name, t in stored_tensors(os.path.join(ROOT, directory)).items():
            v = t.to(torch.float32).flatten().numpy().astype(np.float64)
            entries[name] = {
                "dtype": {torch.float32: "F32", torch.bfloat16: "BF16"}[t.dtype],
                "shape": list(t.shape),
                "first": float(v[0]), "last": float(v[-1]),
                "sum": float(v.sum()), "sum_squares": float((v * v).sum()),
            }
        summary[directory] = entries
    with open(os.path.join(ROOT, "tensors.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)

    g = stored_tensors(os.path.join(ROOT, GEMMA2_DIR))["model.layers.1.mlp.down_proj.weight"]
    np.save(os.path.join(ROOT, "reference", "gemma2.layers.1.mlp.down_proj.npy"), g.to(torch.float32).numpy())
    c = stored_tensors(os.path.join(ROOT, T5GEMMA_DIR))["model.decoder.layers.1.cross_attn.k_proj.weight"]
    np.save(os.path.join(ROOT, "reference", "t5gemma.decoder.layers.1.cross_attn.k_proj.npy"), c.numpy())

    save_file(writer_reference(), os.path.join(ROOT, "writer-reference.safetensors"), metadata={"format": "pt"})

    shards = [n for n in os.listdir(os.path.join(ROOT, GEMMA2_DIR)) if n.endswith(".safetensors")]
    assert len(shards) >= 2, shards
    total = sum(os.path.getsize(os.path.join(dp, n)) for dp, _, files in os.walk(ROOT) for n in files)
    print(f"wrote {ROOT}: {total} bytes; gemma2 shards: {sorted(shards)}")
    assert total < 300_000


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAILED: {' '.join(cmd)}\n{r.stdout}\n{r.stderr}")
    return r.stdout


def verify(duet):
    checks = 0
    for source, auto_class in ((GEMMA2_DIR, AutoModelForCausalLM), (T5GEMMA_DIR, AutoModelForSeq2SeqLM)):
        src_dir = os.path.join(ROOT, source)
        src = stored_tensors(src_dir)
        src_config = AutoConfig.from_pretrained(src_dir).to_dict()
        with tempfile.TemporaryDirectory() as tmp:
            for dtype, torch_dtype in (("f32", torch.float32), ("bf16", torch.bfloat16)):
                for shard_mb, normalize in ((None, False), ("0.004", True)):
                    out = os.path.join(tmp, f"{source}-{dtype}-{shard_mb or 'single'}")
                    cmd = [duet, "convert", src_dir, out, "--dtype", dtype]
                    if shard_mb:
                        cmd += ["--max-shard-mb", shard_mb]
                    if normalize:  # config.json from ModelConfigFile.encode, not a patched copy
                        cmd += ["--normalize-config"]
                    run(cmd)
                    files = sorted(os.listdir(out))
                    if shard_mb:
                        assert "model.safetensors.index.json" in files and "model.safetensors" not in files, files
                    else:
                        assert "model.safetensors" in files and "model.safetensors.index.json" not in files, files
                    assert "generation_config.json" in files, files
                    model = auto_class.from_pretrained(out, dtype="auto")
                    assert model.dtype == torch_dtype, (out, model.dtype)
                    config = model.config.to_dict()
                    for key in set(src_config) | set(config):
                        if key in ("dtype", "torch_dtype", "transformers_version", "_name_or_path"):
                            continue
                        assert src_config.get(key) == config.get(key) or sub_configs_equal(src_config.get(key), config.get(key)), \
                            (out, key, src_config.get(key), config.get(key))
                    state = model.state_dict()
                    for name, t in src.items():
                        got = state[name]
                        assert got.dtype == torch_dtype, (out, name, got.dtype)
                        assert torch.equal(got.to(torch.float32), t.to(torch_dtype).to(torch.float32)), (out, name)
                    checks += 1
                    # Round trip through the other dtype: bf16 -> f32 -> bf16 must be exact, and
                    # f32 -> bf16 -> f32 must round exactly as torch does (nearest even).
                    other = torch.bfloat16 if dtype == "f32" else torch.float32
                    back = out + "-back"
                    run([duet, "convert", out, back, "--dtype", "bf16" if dtype == "f32" else "f32"])
                    again = out + "-again"
                    run([duet, "convert", back, again, "--dtype", dtype])
                    again_tensors = stored_tensors(again)
                    for name, t in stored_tensors(out).items():
                        assert torch.equal(again_tensors[name], t.to(other).to(torch_dtype)), (again, name)
                        if dtype == "bf16":
                            assert torch.equal(again_tensors[name], t), (again, name)
                    checks += 1
                    if dtype == "f32" and not shard_mb:
                        # Byte-identical to safetensors' own writer on the same tensors.
                        ref = os.path.join(tmp, "ref.safetensors")
                        save_file({k: v.to(torch.float32).contiguous() for k, v in src.items()}, ref, metadata={"format": "pt"})
                        with open(ref, "rb") as a, open(os.path.join(out, "model.safetensors"), "rb") as b:
                            assert a.read() == b.read(), f"{out}: model.safetensors differs from safetensors.save_file"
                        checks += 1
    print(f"verify-duet: {checks} checks passed")


def sub_configs_equal(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        keys = (set(a) | set(b)) - {"dtype", "torch_dtype", "transformers_version", "_name_or_path"}
        return all(a.get(k) == b.get(k) or sub_configs_equal(a.get(k), b.get(k)) for k in keys)
    return False


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verify-duet", metavar="PATH_TO_DUET")
    args = parser.parse_args()
    if args.verify_duet:
        verify(os.path.abspath(args.verify_duet))
    else:
        make()
