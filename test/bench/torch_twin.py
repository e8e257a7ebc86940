"""PyTorch twin of Ridge Studio's detector, for the training benchmark only (never a product dependency).

Same layers as src/main/trainer/model/detector.ts (conv-BN-ReLU backbone to stride 16, two-level FPN,
per-level head + 1x1 prediction), same loss shape (sigmoid focal + GIoU on positives), Adam.
Usage: python torch_twin.py IMG WIDTH BATCH STEPS  -> prints one JSON line.
"""
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def ch(base, mult):
    return max(8, round(base * mult / 8) * 8)


def cbr(cin, cout, k, s):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, k // 2, bias=False), nn.BatchNorm2d(cout, momentum=0.1, eps=1e-3), nn.ReLU(inplace=True))


class Detector(nn.Module):
    def __init__(self, num_classes, m):
        super().__init__()
        c = lambda n: ch(n, m)  # noqa: E731
        self.stem = nn.Sequential(cbr(3, c(16), 3, 2), cbr(c(16), c(32), 3, 2), cbr(c(32), c(32), 3, 1), cbr(c(32), c(64), 3, 2), cbr(c(64), c(64), 3, 1))
        self.c4 = nn.Sequential(cbr(c(64), c(128), 3, 2), cbr(c(128), c(128), 3, 1), cbr(c(128), c(128), 3, 1))
        self.lat4, self.lat3 = cbr(c(128), c(64), 1, 1), cbr(c(64), c(64), 1, 1)
        self.p3, self.p4 = cbr(c(64), c(64), 3, 1), cbr(c(64), c(64), 3, 1)
        self.h8, self.h16 = cbr(c(64), c(64), 3, 1), cbr(c(64), c(64), 3, 1)
        self.o8, self.o16 = nn.Conv2d(c(64), num_classes + 4, 1), nn.Conv2d(c(64), num_classes + 4, 1)

    def forward(self, x):
        c3 = self.stem(x)
        l4 = self.lat4(self.c4(c3))
        p3 = self.p3(self.lat3(c3) + F.interpolate(l4, scale_factor=2, mode="nearest"))
        p4 = self.p4(l4)
        return self.o8(self.h8(p3)), self.o16(self.h16(p4))


def loss_fn(outs, nc, img):
    flat = torch.cat([o.flatten(2).transpose(1, 2) for o in outs], 1)
    logits, reg = flat[..., :nc], flat[..., nc:]
    z = torch.zeros_like(logits)
    z[:, ::50, 0] = 1
    focal = torchvision_free_focal(logits, z).sum()
    pos = z[..., 0]
    d = torch.exp(reg.clamp(-8, 8)) * 8
    pred = torch.stack([img / 2 - d[..., 0], img / 2 - d[..., 1], img / 2 + d[..., 2], img / 2 + d[..., 3]], -1)
    tgt = torch.tensor([img * 0.3, img * 0.3, img * 0.6, img * 0.6]).expand_as(pred)
    giou = giou_fn(pred, tgt)
    npos = pos.sum().clamp(min=1)
    return (focal + 2 * (pos * (1 - giou)).sum()) / npos


def torchvision_free_focal(x, z, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, z, reduction="none")
    pt = p * z + (1 - p) * (1 - z)
    return (alpha * z + (1 - alpha) * (1 - z)) * (1 - pt) ** gamma * ce


def giou_fn(a, b):
    ix = (torch.min(a[..., 2], b[..., 2]) - torch.max(a[..., 0], b[..., 0])).clamp(min=0)
    iy = (torch.min(a[..., 3], b[..., 3]) - torch.max(a[..., 1], b[..., 1])).clamp(min=0)
    inter = ix * iy
    area = lambda r: (r[..., 2] - r[..., 0]).clamp(min=0) * (r[..., 3] - r[..., 1]).clamp(min=0)  # noqa: E731
    union = area(a) + area(b) - inter + 1e-7
    hull = (torch.max(a[..., 2], b[..., 2]) - torch.min(a[..., 0], b[..., 0])) * (torch.max(a[..., 3], b[..., 3]) - torch.min(a[..., 1], b[..., 1])) + 1e-7
    return inter / union - (hull - union) / hull


def conv_flops(model, img):
    flops = 0

    def hook(mod, inp, out):
        nonlocal flops
        kh, kw = mod.kernel_size
        flops += 2 * out.shape[2] * out.shape[3] * kh * kw * mod.in_channels * mod.out_channels

    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, img, img))
    for h in hs:
        h.remove()
    model.train()
    return flops


def main():
    img, width, batch, steps = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(0)
    nc = 6
    model = Detector(nc, width)
    flops = conv_flops(model, img)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    x = torch.rand(batch, 3, img, img)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), nc, img)
        loss.backward()
        opt.step()
        return loss.item()

    step()
    t0 = time.perf_counter()
    for _ in range(steps):
        v = step()
    dt = time.perf_counter() - t0
    assert math.isfinite(v)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "imagesPerSecond": steps * batch / dt, "forwardFlops": flops}))


if __name__ == "__main__":
    main()
