"""PyTorch (CPU) figures for `deno task bench:gpu`: matmul GFLOP/s and training tokens/s of the engine's model.

The same network as src/train/gpt.ts: pre-LayerNorm GPT-2, learned positions, tanh GELU, tied
embeddings, biases, byte vocabulary; torch.optim.AdamW (weight decay on the 2-D weights only) after
global gradient-norm clipping at 1; float32. Prints one JSON object per line, each measured `--repeats`
times: {"matmul": n, "gflops": [...]} or {"layers", "width", "heads", "context", "batch",
"tokens_per_second": [...]}, after a first line {"device": "cpu" or "cuda"}. `--device cuda` runs on the
GPU when torch has one (else on the CPU, and says so on that first line).

Usage: python torch_reference.py --threads 2 --steps 5 --repeats 3 [--device cuda] [--matmul 256,512]
       [L,W,H,T,B ...]
"""

import argparse
import json
import math
import time

import torch
import torch.nn.functional as F
from torch import nn


class Block(nn.Module):
    """One pre-LN transformer block (Hugging Face GPT-2 layout, nn.Linear weights)."""

    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(width)
        self.c_attn = nn.Linear(width, 3 * width)
        self.attn_proj = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width)
        self.c_fc = nn.Linear(width, 4 * width)
        self.mlp_proj = nn.Linear(4 * width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        shape = (b, t, self.heads, c // self.heads)
        q, k, v = (z.view(shape).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.attn_proj(y.transpose(1, 2).reshape(b, t, c))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class Gpt(nn.Module):
    """GPT-2-shaped model with tied input and output embeddings."""

    def __init__(self, layers: int, width: int, heads: int, context: int, vocab: int = 256):
        super().__init__()
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(width)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith("proj.weight") else 0.02
                nn.init.normal_(p, 0.0, std)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, idx: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1], device=idx.device))
        for block in self.blocks:
            x = block(x)
        logits = self.ln_f(x) @ self.wte.weight.T
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))


DEVICE = "cpu"


def sync() -> None:
    """Waits for the GPU's queued work (timings on CUDA would otherwise stop at the launch)."""
    if DEVICE == "cuda":
        torch.cuda.synchronize()


def tokens_per_second(layers: int, width: int, heads: int, context: int, batch: int, steps: int) -> float:
    """Tokens/s of full training steps (forward, backward, clip, AdamW) after two warm-up steps."""
    torch.manual_seed(1)
    model = Gpt(layers, width, heads, context).to(DEVICE)
    decay = [p for p in model.parameters() if p.dim() == 2]
    other = [p for p in model.parameters() if p.dim() != 2]
    groups = [{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}]
    optimizer = torch.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
    data = torch.randint(0, 256, (batch, context + 1), device=DEVICE)
    inputs, targets = data[:, :-1].contiguous(), data[:, 1:].contiguous()

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        loss = model(inputs, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

    for _ in range(2):
        step()
    sync()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    sync()
    return steps * batch * context / (time.perf_counter() - start)


def matmul_gflops(n: int, seconds: float = 0.5) -> float:
    """GFLOP/s of n x n x n float32 products repeated for about `seconds`, after one warm-up."""
    a, b = torch.randn(n, n, device=DEVICE), torch.randn(n, n, device=DEVICE)
    torch.mm(a, b)
    sync()
    start = time.perf_counter()
    torch.mm(a, b)
    sync()
    reps = max(1, int(seconds / max(1e-6, time.perf_counter() - start)))
    start = time.perf_counter()
    for _ in range(reps):
        torch.mm(a, b)
    sync()
    return 2 * n**3 * reps / (time.perf_counter() - start) / 1e9


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--matmul", default="", help="comma-separated sizes")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("models", nargs="*", help="layers,width,heads,context,batch")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    global DEVICE
    DEVICE = "cuda" if args.device == "cuda" and torch.cuda.is_available() else "cpu"
    print(json.dumps({"device": DEVICE}), flush=True)
    for n in (int(v) for v in args.matmul.split(",") if v):
        print(json.dumps({"matmul": n, "gflops": [matmul_gflops(n) for _ in range(args.repeats)]}), flush=True)
    for spec in args.models:
        layers, width, heads, context, batch = (int(v) for v in spec.split(","))
        rates = [tokens_per_second(layers, width, heads, context, batch, args.steps) for _ in range(args.repeats)]
        row = {"layers": layers, "width": width, "heads": heads, "context": context, "batch": batch}
        print(json.dumps({**row, "tokens_per_second": rates}), flush=True)


if __name__ == "__main__":
    main()
