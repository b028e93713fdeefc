"""PyTorch reference for bench/train.mjs: the GPT seed (templates/seeds/gpt2/block.ts) with the
same architecture and shapes as our LanguageModel around it, trained on random byte batches.

Architecture (mirrors the seed and src/model/lm.ts): byte embedding E [256, D] (std 0.02), N
pre-norm blocks x + MHA(RMSNorm(x)), then + SwiGLU(RMSNorm(.)); heads of 16 channels with
rotary positions (pairs i, i + Dh/2, base 10000); no biases; final RMSNorm (eps 1e-6); tied head
logits = h @ E^T; mean cross-entropy. AdamW as src/train/optim.ts: betas (0.9, 0.95), eps 1e-8,
weight decay 0.1 on matrices only, gradient clipping at norm 1.0.

Run with Debian's torch:  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/gpt_ref.py \
    --d 80 --blocks 3 --context 128 --batch 8 --seconds 10 --threads 2
Prints one JSON line: {"tokensPerSec" (the best timing window), "meanTokensPerSec", "params", ...}.
"""

import argparse
import json
import math
import time

import torch
import torch.nn.functional as F
from torch import nn


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(length, dh, base):
    half = dh // 2
    freqs = base ** (-2 * torch.arange(half, dtype=torch.float32) / dh)  # [Dh/2]
    ang = torch.arange(length, dtype=torch.float32)[:, None] * freqs[None, :]  # [L, Dh/2]
    ang = torch.cat([ang, ang], dim=-1)  # [L, Dh]: channel i and i + Dh/2 share an angle
    return ang.cos(), ang.sin()


def rotary(x, cos, sin):
    half = x.shape[-1] // 2
    rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)  # rotate-half: [-x2, x1]
    return x * cos + rotated * sin


class MHA(nn.Module):
    def __init__(self, d, n_blocks, head_dim):
        super().__init__()
        self.heads = d // head_dim
        self.wqkv = nn.Parameter(torch.randn(d, 3 * d) * 0.02)
        self.wo = nn.Parameter(torch.randn(d, d) * (0.02 / math.sqrt(2 * n_blocks)))

    def forward(self, x, cos, sin):
        b, l, d = x.shape
        q, k, v = (x @ self.wqkv).split(d, dim=-1)  # [B, L, D] each
        split = lambda t: t.view(b, l, self.heads, -1).transpose(1, 2)  # [B, H, L, Dh]
        q, k, v = rotary(split(q), cos, sin), rotary(split(k), cos, sin), split(v)
        scale = 1 / math.sqrt(q.shape[-1])
        mask = torch.ones(l, l, dtype=torch.bool).tril()
        scores = (q @ k.transpose(-1, -2)) * scale  # [B, H, L, L]
        y = scores.masked_fill(~mask, float("-inf")).softmax(-1) @ v  # [B, H, L, Dh]
        return y.transpose(1, 2).reshape(b, l, d) @ self.wo


class GatedMLP(nn.Module):
    def __init__(self, d, n_blocks, ratio):
        super().__init__()
        hidden = max(8, round(ratio * d / 8) * 8)
        self.wgu = nn.Parameter(torch.randn(d, 2 * hidden) * 0.02)
        self.wdown = nn.Parameter(torch.randn(hidden, d) * (0.02 / math.sqrt(2 * n_blocks)))

    def forward(self, x):
        gate, up = (x @ self.wgu).chunk(2, dim=-1)  # [B, L, F] each
        return (F.silu(gate) * up) @ self.wdown


class Block(nn.Module):
    def __init__(self, d, n_blocks):
        super().__init__()
        self.n1, self.n2 = RMSNorm(d, 1e-5), RMSNorm(d, 1e-5)
        self.attn = MHA(d, n_blocks, 16)
        self.mlp = GatedMLP(d, n_blocks, 2.6667)

    def forward(self, x, cos, sin):
        h = x + self.attn(self.n1(x), cos, sin)
        return h + self.mlp(self.n2(h))


class GPT(nn.Module):
    def __init__(self, vocab, d, n_blocks, context):
        super().__init__()
        self.emb = nn.Parameter(torch.randn(vocab, d) * 0.02)
        self.blocks = nn.ModuleList(Block(d, n_blocks) for _ in range(n_blocks))
        self.norm = RMSNorm(d, 1e-6)
        cos, sin = rope_tables(context, 16, 10000.0)
        self.register_buffer("cos", cos)
        self.register_buffer("sin", sin)

    def forward(self, ids, targets):
        h = self.emb[ids]  # [B, L, D]
        for blk in self.blocks:
            h = blk(h, self.cos, self.sin)
        logits = self.norm(h) @ self.emb.t()  # [B, L, V], tied head
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.reshape(-1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--d", type=int, default=80)
    p.add_argument("--blocks", type=int, default=3)
    p.add_argument("--context", type=int, default=128)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--steps", type=int, default=5, help="timed steps, at least")
    p.add_argument("--seconds", type=float, default=0.0, help="time steps for this long, at least")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--window", type=float, default=1.0, help="seconds per timing window")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--lr", type=float, default=3e-3)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = GPT(256, a.d, a.blocks, a.context)
    decay = [q for q in model.parameters() if q.dim() > 1]
    rest = [q for q in model.parameters() if q.dim() <= 1]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
        lr=a.lr, betas=(0.9, 0.95), eps=1e-8,
    )
    gen = torch.Generator().manual_seed(1)

    def step():
        batch = torch.randint(0, 256, (a.batch, a.context + 1), generator=gen)
        loss = model(batch[:, :-1], batch[:, 1:])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    # timed in windows of at least --window seconds: the best window is the figure (robust to
    # other processes taking the cores for a while), the mean over all windows beside it
    windows = []
    t0 = time.perf_counter()
    steps = 0
    while steps < a.steps or time.perf_counter() - t0 < a.seconds:
        w0, n = time.perf_counter(), 0
        while n < 1 or time.perf_counter() - w0 < a.window:
            loss = step()
            n += 1
        windows.append((n, time.perf_counter() - w0))
        steps += n
    secs = time.perf_counter() - t0
    tokens_per_step = a.batch * a.context
    best = max(n * tokens_per_step / dt for n, dt in windows)
    print(json.dumps({
        "tokensPerSec": best,
        "meanTokensPerSec": steps * tokens_per_step / secs,
        "msPerStep": 1000 * secs / steps,
        "steps": steps,
        "params": sum(q.numel() for q in model.parameters()),
        "loss": loss,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
