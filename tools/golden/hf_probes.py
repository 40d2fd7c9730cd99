"""Hooks into transformers used by make_model_goldens.py.

- The T5Gemma bidirectional sliding-window rule: transformers 5.x masks encoder sliding layers with
  |q - kv| <= W; the authors' JAX code and transformers 4.53 (the release the checkpoints came with) use
  |q - kv| < W, which is what Duet implements (t5gemma-reference.md §3.5). use_strict_bidirectional_window
  swaps masking_utils.sliding_window_bidirectional_overlay accordingly.
- Probes that watch the eager attention (raw scores, masks, weights) and the LM head (logits before the
  final soft-cap), to report how much the soft-caps bite and which query rows are fully masked.
"""
from __future__ import annotations

import torch
from transformers import T5GemmaConfig
from transformers import masking_utils

_HF_BIDIRECTIONAL_OVERLAY = masking_utils.sliding_window_bidirectional_overlay


def strict_bidirectional_overlay(sliding_window: int):
    """JAX / transformers-4.53 rule: a key is visible iff |q - kv| < W (HF 5.x uses <=)."""

    def inner_mask(batch_idx, head_idx, q_idx, kv_idx):
        return abs(q_idx - kv_idx) < sliding_window

    return inner_mask


def use_strict_bidirectional_window(enabled: bool) -> None:
    # create_bidirectional_sliding_window_mask -> sliding_window_bidirectional_mask_function looks the
    # overlay up in masking_utils' globals at call time, so replacing the module attribute is enough.
    masking_utils.sliding_window_bidirectional_overlay = (
        strict_bidirectional_overlay if enabled else _HF_BIDIRECTIONAL_OVERLAY)


def check_strict_window_is_live() -> None:
    cfg = T5GemmaConfig(encoder=dict(vocab_size=8, hidden_size=8, intermediate_size=8, num_hidden_layers=1,
                                     num_attention_heads=1, num_key_value_heads=1, head_dim=8,
                                     sliding_window=2),
                        decoder=dict(vocab_size=8, hidden_size=8, intermediate_size=8, num_hidden_layers=1,
                                     num_attention_heads=1, num_key_value_heads=1, head_dim=8),
                        vocab_size=8).encoder
    cfg._attn_implementation = "eager"
    mask = masking_utils.create_bidirectional_sliding_window_mask(
        config=cfg, inputs_embeds=torch.zeros(1, 5, 8), attention_mask=torch.ones(1, 5, dtype=torch.long))
    visible = (mask[0, 0] == 0).int()
    q, kv = torch.meshgrid(torch.arange(5), torch.arange(5), indexing="ij")
    assert torch.equal(visible, ((q - kv).abs() < 2).int()), f"strict window not in effect:\n{visible}"


# ----------------------------------------------------------------------------------------------
# Probing the eager attention: fully masked query rows and soft-cap statistics.

class AttentionProbe:
    """Wraps eager_attention_forward of one modeling module for the duration of a `with` block."""

    def __init__(self, module):
        self.module, self.records = module, []

    def __enter__(self):
        self.original = self.module.eager_attention_forward

        def wrapped(mod, query, key, value, attention_mask, scaling=None, softcap=None, **kw):
            out, weights = self.original(mod, query, key, value, attention_mask, scaling=scaling,
                                         softcap=softcap, **kw)
            k = self.module.repeat_kv(key, mod.num_key_value_groups)
            raw = torch.matmul(query, k.transpose(2, 3)) * scaling
            allowed = torch.ones_like(raw, dtype=torch.bool) if attention_mask is None else \
                (attention_mask == 0).expand_as(raw)
            encoder = type(mod).__name__ == "T5GemmaSelfAttention" and not mod.config.is_decoder
            self.records.append(dict(kind=type(mod).__name__, stack="encoder" if encoder else "decoder",
                                     layer=mod.layer_idx, raw=raw.detach(),
                                     softcap=softcap, allowed=allowed, weights=weights.detach()))
            return out, weights

        self.module.eager_attention_forward = wrapped
        return self

    def __exit__(self, *exc):
        self.module.eager_attention_forward = self.original


def fully_masked_rows(records) -> list[dict]:
    """Query rows that see no key at all. HF adds finfo.min to every score of such a row; since the
    scores are soft-capped (bounded), every entry rounds to finfo.min and softmax gives a UNIFORM
    average over all kv positions (JAX instead outputs zeros). Asserted here, reported in notes."""
    found = []
    for r in records:
        none_visible = ~r["allowed"][:, 0].any(-1)  # [B, Tq]
        for b, t in none_visible.nonzero().tolist():
            w = r["weights"][b, :, t]
            assert torch.allclose(w, torch.full_like(w, 1.0 / w.shape[-1])), "HF fully-masked row not uniform"
            found.append(dict(stack=r["stack"], kind=r["kind"], layer=r["layer"], batch=b, query=t))
    return found


class HeadProbe:
    """Keeps the LM head output (the logits BEFORE the final soft-cap)."""

    def __init__(self, linear):
        self.linear, self.raw = linear, None

    def __enter__(self):
        self.handle = self.linear.register_forward_hook(lambda m, i, o: setattr(self, "raw", o.detach()))
        return self

    def __exit__(self, *exc):
        self.handle.remove()


def softcap_stats(records, raw_logits: torch.Tensor, final_cap, logits: torch.Tensor) -> dict:
    """How much the soft-caps bite: fraction of values the cap changes by more than 1%, over the
    unmasked attention scores (self and cross) and over the final logits at real positions."""
    def changed(x, cap):
        return (torch.tanh(x / cap) * cap - x).abs() > 0.01 * x.abs()

    capped = [changed(r["raw"][r["allowed"]], r["softcap"]) for r in records if r["softcap"]]
    attn = torch.cat(capped) if capped else torch.zeros(0, dtype=torch.bool)
    scores = torch.cat([r["raw"][r["allowed"]] for r in records])
    return dict(max_abs_logit=logits.abs().max().item(), max_abs_logit_before_cap=raw_logits.abs().max().item(),
                final_capped_fraction=changed(raw_logits, final_cap).float().mean().item() if final_cap else 0.0,
                max_abs_attn_score_before_cap=scores.abs().max().item(),
                attn_capped_fraction=attn.float().mean().item() if attn.numel() else 0.0)
