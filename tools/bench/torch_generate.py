#!/usr/bin/env python3
"""PyTorch inference speed on a Hugging Face model directory, the way `duet bench generate` measures it.

Same work as Duet: a prompt of random token ids (ids 3..min(V, 30000)), then greedy decoding of
--tokens tokens with the KV cache (`model.generate`, no stop token), eager attention, the weights in
the file's dtype unless --dtype says otherwise. Prompt time is the prefill of a decoder-only model or
the encoder pass of an encoder-decoder model (timed on its own); decode tok/s counts the tokens after
the first. One warm-up request, then the median of --runs. Prints one JSON object.

    tools/bench/torch_generate.py MODEL_DIR [--prompt-tokens 128] [--tokens 32] [--runs 3] [--threads 2]
"""
import argparse
import json
import statistics
import time

import torch
from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM


def main():
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("--prompt-tokens", type=int, default=128)
    p.add_argument("--tokens", type=int, default=32)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--dtype", choices=["file", "float32", "bfloat16"], default="file")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    config = AutoConfig.from_pretrained(a.model)
    encoder_decoder = bool(getattr(config, "is_encoder_decoder", False))
    cls = AutoModelForSeq2SeqLM if encoder_decoder else AutoModelForCausalLM
    dtype = "auto" if a.dtype == "file" else getattr(torch, a.dtype)
    model = cls.from_pretrained(a.model, dtype=dtype, attn_implementation="eager").eval()
    vocab = model.get_input_embeddings().weight.shape[0]
    ids = torch.randint(3, min(vocab, 30000), (1, a.prompt_tokens))
    mask = torch.ones_like(ids)

    def prompt_seconds():
        t = time.perf_counter()
        if encoder_decoder:
            model.get_encoder()(input_ids=ids, attention_mask=mask)
        else:
            model(input_ids=ids, attention_mask=mask, use_cache=True)
        return time.perf_counter() - t

    def generate_seconds(n):
        t = time.perf_counter()
        model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=n, min_new_tokens=n, do_sample=False)
        return time.perf_counter() - t

    with torch.inference_mode():
        generate_seconds(2)  # warm-up
        prompts, decodes, firsts = [], [], []
        for _ in range(a.runs):
            prompts.append(prompt_seconds())
            first = generate_seconds(1)
            whole = generate_seconds(a.tokens)
            firsts.append(first)
            decodes.append((a.tokens - 1) / max(whole - first, 1e-9))
    print(json.dumps({
        "model": a.model, "threads": a.threads, "dtype": str(next(model.parameters()).dtype),
        "prompt_tokens": a.prompt_tokens, "tokens": a.tokens,
        "prompt_ms": statistics.median(prompts) * 1000,
        "time_to_first_ms": statistics.median(firsts) * 1000,
        "decode_tokens_per_second": statistics.median(decodes),
    }))


if __name__ == "__main__":
    main()
