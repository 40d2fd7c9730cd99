"""Goldens for the engine's numeric kernels, computed by the Hugging Face / PyTorch code itself.
(Not named kernels.py: that would shadow the `kernels` package transformers probes for.)

Writes Tests/Fixtures/kernels/kernels-golden.json (f32 values as shortest round-trip decimals):
  gelu         ACT2FN["gelu_pytorch_tanh"]
  rmsnorm      transformers Gemma2RMSNorm (eps 1e-6)
  rope         Gemma2RotaryEmbedding + apply_rotary_pos_emb, head_dim 256, theta 10000
  attention    gemma2 eager_attention_forward with attn soft-cap 50, GQA, an additive mask built
               from HF's own mask functions (causal + sliding window 3 + padding; finfo.min where
               masked), including left-padded query rows that see no key
  crossEntropy torch.nn.functional.cross_entropy(reduction="sum", ignore_index=-100)

Run: /work/venv/bin/python tools/golden/kernel_goldens.py   (CPU, float32, deterministic seed)
"""
import json
import os
import types

import torch
import torch.nn.functional as F
from transformers.activations import ACT2FN
from transformers.masking_utils import and_masks, causal_mask_function, padding_mask_function, sliding_window_overlay
from transformers.models.gemma2.configuration_gemma2 import Gemma2Config
from transformers.models.gemma2.modeling_gemma2 import (
    Gemma2RMSNorm,
    Gemma2RotaryEmbedding,
    apply_rotary_pos_emb,
    eager_attention_forward,
)

torch.manual_seed(1234)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "kernels", "kernels-golden.json")


def flat(t):
    """f32 values as the shortest decimals that round back to the same f32 (np.float32's repr)."""
    return [float(str(v)) for v in t.detach().to(torch.float32).reshape(-1).numpy()]


golden = {}

# GeLU (tanh approximation), including the far negative tail.
x = torch.cat([torch.linspace(-12, 12, 241), torch.randn(40) * 3])
golden["gelu"] = {"x": flat(x), "y": flat(ACT2FN["gelu_pytorch_tanh"](x))}

# RMSNorm.
rows, dim = 3, 40
norm = Gemma2RMSNorm(dim, eps=1e-6)
with torch.no_grad():
    norm.weight.copy_(torch.randn(dim) * 0.5)
x = torch.randn(rows, dim) * 2
golden["rmsnorm"] = {"rows": rows, "dim": dim, "eps": 1e-6, "x": flat(x), "w": flat(norm.weight), "y": flat(norm(x))}

# RoPE at head_dim 256 (inv_freq rounding matters at full size), far positions included.
config = Gemma2Config(head_dim=256, hidden_size=2304, num_attention_heads=8, num_key_value_heads=4)
rope = Gemma2RotaryEmbedding(config)
positions = torch.tensor([[0, 1, 37, 4095, 8191]])
x = torch.randn(1, 1, positions.shape[1], 256)  # [batch, heads, T, hd]
cos, sin = rope(x, positions)
y, _ = apply_rotary_pos_emb(x, x, cos, sin)
golden["rope"] = {
    "headDim": 256, "theta": config.rope_parameters["rope_theta"], "heads": 1,
    "positions": positions[0].tolist(), "x": flat(x.transpose(1, 2)), "y": flat(y.transpose(1, 2)),
}

# Eager attention with soft-cap, GQA, sliding window and padding.
B, T, H, KV, hd, W, cap = 2, 7, 4, 2, 16, 3, 50.0
scale = hd ** -0.5
q = torch.randn(B, H, T, hd) * 4
k = torch.randn(B, KV, T, hd) * 4
v = torch.randn(B, KV, T, hd)
key_valid = torch.ones(B, T, dtype=torch.bool)
key_valid[1, :2] = False  # left padding: batch 1's first two queries see no key
rule = and_masks(causal_mask_function, sliding_window_overlay(W), padding_mask_function(key_valid))
idx = lambda n: torch.tensor(n)
allowed = torch.tensor([[[[bool(rule(idx(b), idx(0), idx(i), idx(j))) for j in range(T)] for i in range(T)]] for b in range(B)])
additive = torch.where(allowed, 0.0, torch.finfo(torch.float32).min)
module = types.SimpleNamespace(num_key_value_groups=H // KV, head_dim=hd, training=False)
out, probs = eager_attention_forward(module, q, k, v, additive, dropout=0.0, scaling=scale, softcap=cap)
golden["attention"] = {
    "batch": B, "length": T, "heads": H, "kvHeads": KV, "headDim": hd, "window": W, "scale": scale, "softCap": cap,
    "keyValid": key_valid.reshape(-1).tolist(),
    "q": flat(q.transpose(1, 2)), "k": flat(k.transpose(1, 2)), "v": flat(v.transpose(1, 2)),
    "out": flat(out), "probs": flat(probs),  # out is already [B, T, H, hd]; probs [B, H, T, S]
}

# Cross-entropy with ignored rows.
rows, vocab = 4, 50
logits = torch.randn(rows, vocab) * 5
targets = torch.tensor([3, -100, 49, 0])
golden["crossEntropy"] = {
    "rows": rows, "vocab": vocab, "logits": flat(logits), "targets": targets.tolist(),
    "lossSum": float(F.cross_entropy(logits, targets, reduction="sum", ignore_index=-100)), "count": 3,
}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(golden, f, separators=(",", ":"))
print(f"wrote {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes)")
