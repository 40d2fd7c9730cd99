#!/usr/bin/env python3
"""PyTorch training throughput on a Hugging Face model directory, the way `duet bench train` measures it.

Same work as Duet: random token batches (batch x seq_len; encoder-decoder models also a target of
seq_len tokens), eager attention, full forward/backward and an AdamW step, one warm-up step, the
median step reported. Tokens per step count every position of every row (encoder and decoder for
encoder-decoder models), as Duet does. Prints one JSON object.

    tools/bench/torch_train.py MODEL_DIR [--batch 8] [--seq-len 128] [--steps 5] [--threads 2]
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
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--seq-len", type=int, default=128)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    config = AutoConfig.from_pretrained(a.model)
    encoder_decoder = bool(getattr(config, "is_encoder_decoder", False))
    cls = AutoModelForSeq2SeqLM if encoder_decoder else AutoModelForCausalLM
    model = cls.from_pretrained(a.model, dtype=torch.float32, attn_implementation="eager")
    model.train()
    vocab = model.get_input_embeddings().weight.shape[0]
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    ids = torch.randint(3, vocab, (a.batch, a.seq_len))
    labels = torch.randint(3, vocab, (a.batch, a.seq_len))

    def step():
        optimizer.zero_grad(set_to_none=True)
        if encoder_decoder:
            loss = model(input_ids=ids, labels=labels).loss
        else:
            loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()

    step()
    seconds = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - t0)
    median = statistics.median(seconds)
    tokens = a.batch * a.seq_len * (2 if encoder_decoder else 1)
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "encoder_decoder": encoder_decoder,
                      "parameters": sum(x.numel() for x in model.parameters()), "step_seconds": median,
                      "tokens_per_second": tokens / median}))


if __name__ == "__main__":
    main()
