#!/usr/bin/env python3
"""Golden for Duet's AdamW: one torch.optim.AdamW step (after clip_grad_norm_) on the parameters
and gradients of two model fixtures.

Recreate with:   /work/venv/bin/python tools/golden/make_optimizer_goldens.py
Reads Tests/Fixtures/models/<case>/model.safetensors (parameters) and golden.safetensors
(`grad.<name>`, HF's gradients of the golden loss); writes Tests/Fixtures/optimizer/<case>.safetensors
(`param.<name>`: every parameter after the step, f32) and Tests/Fixtures/optimizer/adamw.json
(hyperparameters, the pre-clip gradient norm, the clip coefficient).

So that the step exercises both moments and the bias corrections (from a zero state, AdamW's
first step is just lr·sign(g)), each parameter starts from a non-zero state at step 4, derived
from its gradient g (flattened, n elements) by a rule the Swift test repeats exactly:
    r[i] = g[(i - 1) mod n]          (g rotated by one)
    exp_avg    = 0.5 * r
    exp_avg_sq = r * r
    step       = 4                   (this is step 5: corrections 1 - 0.9^5 and 1 - 0.95^5)
Then clip_grad_norm_(max_norm = 0.5 * ||g||) halves the gradients, and AdamW steps with
lr 1e-2, betas (0.9, 0.95), eps 1e-8 and weight decay 0.1 on every parameter except norms
(`*norm.weight`) and embeddings (`*embed_tokens.weight`), which form a no-decay group (Duet's
default grouping, ParameterRoles.decays).

torch's default AdamW on CPU runs the single-tensor implementation (no foreach/fused on CPU).
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "Tests" / "Fixtures" / "models"
OUT = REPO / "Tests" / "Fixtures" / "optimizer"
CASES = ["gemma2-gqa", "t5gemma-balanced"]
HYPER = dict(lr=1e-2, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1, initial_step=4, clip_fraction=0.5)


def decays(name: str) -> bool:
    return not (name.endswith("norm.weight") or name.endswith("embed_tokens.weight"))


def run_case(case: str) -> dict:
    weights = load_file(MODELS / case / "model.safetensors")
    golden = load_file(MODELS / case / "golden.safetensors")
    names = sorted(weights)
    params = {n: torch.nn.Parameter(weights[n].clone().to(torch.float32)) for n in names}
    for n in names:
        params[n].grad = golden["grad." + n].clone().to(torch.float32)
    decay = [params[n] for n in names if decays(n)]
    no_decay = [params[n] for n in names if not decays(n)]
    opt = torch.optim.AdamW([dict(params=decay, weight_decay=HYPER["weight_decay"]),
                             dict(params=no_decay, weight_decay=0.0)],
                            lr=HYPER["lr"], betas=HYPER["betas"], eps=HYPER["eps"])
    for n in names:
        g = params[n].grad.reshape(-1)
        r = torch.roll(g, 1)  # r[i] = g[i - 1]
        opt.state[params[n]] = dict(step=torch.tensor(float(HYPER["initial_step"])),
                                    exp_avg=(0.5 * r).reshape(params[n].shape).clone(),
                                    exp_avg_sq=(r * r).reshape(params[n].shape).clone())
    total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(params[n].grad) for n in names]))
    max_norm = HYPER["clip_fraction"] * float(total)
    pre_clip = torch.nn.utils.clip_grad_norm_([params[n] for n in names], max_norm=max_norm)
    opt.step()
    for n in names:
        assert int(opt.state[params[n]]["step"]) == HYPER["initial_step"] + 1
    OUT.mkdir(parents=True, exist_ok=True)
    save_file({"param." + n: params[n].detach().contiguous() for n in names}, str(OUT / f"{case}.safetensors"),
              metadata={"format": "pt"})
    changed = sum(int((params[n].detach() != weights[n]).sum()) for n in names)
    count = sum(weights[n].numel() for n in names)
    return dict(pre_clip_norm=float(pre_clip), max_norm=max_norm, parameters=count, changed=changed,
                decayed=[n for n in names if decays(n)], not_decayed=[n for n in names if not decays(n)])


def main() -> None:
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    doc = dict(torch=torch.__version__, lr=HYPER["lr"], beta1=HYPER["betas"][0], beta2=HYPER["betas"][1],
               eps=HYPER["eps"], weight_decay=HYPER["weight_decay"], initial_step=HYPER["initial_step"],
               clip_fraction=HYPER["clip_fraction"],
               initial_state="exp_avg = 0.5 * roll(g, 1), exp_avg_sq = roll(g, 1)^2 over the flattened gradient",
               cases={case: run_case(case) for case in CASES})
    (OUT / "adamw.json").write_text(json.dumps(doc, indent=1) + "\n")
    for case, info in doc["cases"].items():
        print(f"{case}: {info['parameters']} parameters ({info['changed']} changed), pre-clip norm {info['pre_clip_norm']:.6g}")


if __name__ == "__main__":
    main()
