"""PyTorch twin of Ridge Studio's detector, for the training benchmark only (never a product dependency).

The network is not written out here: it is built from the architecture description that the bench exports
from the tfjs model (src/main/trainer/model/architecture.ts), node by node, so it follows the model as the
model changes. Each node is run by its own op below; an op this file does not know fails loudly. The twin
then reports what it built, measured on its own tensors and modules (NHWC output shape, parameter count
including batch-norm running statistics, conv FLOPs from its weights and outputs), and the bench refuses to
print a ratio unless that equals the tfjs side.

Same semantics as tfjs where they decide shapes and cost: TF 'same' padding (asymmetric for strided convs,
an explicit pad as TF does it), batch norm in training mode with momentum 1 - keras momentum, frozen layers
without gradients. Loss: the same shape as src/main/trainer/model/loss.ts over the same head outputs
(sigmoid focal + 2 * GIoU at positives + 2 * softmax CE at positives, over max(1, positives)), on synthetic
targets like step.ts's syntheticBatch. Optimizer: torch.optim.Adam (tfjs: the project's AdamW with weight
decay 0 and per-group learning-rate scales, the same number of Adam updates per weight).
Usage: python torch_twin.py ARCH_JSON BATCH STEPS  -> prints one JSON line.
"""
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIVATIONS = {"linear": lambda x: x, "relu": F.relu, "relu6": F.relu6}


def same_pad(size, k, s, d=1):
    """TF 'same' padding of one axis: (before, after), the extra pixel after."""
    eff = (k - 1) * d + 1
    total = max((math.ceil(size / s) - 1) * s + eff - size, 0)
    return total // 2, total - total // 2


def pads_of(node):
    """(top, bottom, left, right) padding of a conv/pool node from its input shape and settings."""
    cfg = node["cfg"]
    if cfg["padding"] == "valid":
        return 0, 0, 0, 0
    h, w = node["inShapes"][0][0], node["inShapes"][0][1]
    k = cfg.get("kernel") or cfg["poolSize"]
    d = cfg.get("dilation", [1, 1])
    return (*same_pad(h, k[0], cfg["strides"][0], d[0]), *same_pad(w, k[1], cfg["strides"][1], d[1]))


class Twin(nn.Module):
    """Modules per tfjs layer (shared layers share one module); forward runs the nodes in order."""

    def __init__(self, arch):
        super().__init__()
        self.nodes = arch["nodes"]
        self.outputs = arch["outputs"]
        self.mods = nn.ModuleDict()
        for n in self.nodes:
            key = n["layer"]
            if key in self.mods or n["op"] not in ("conv2d", "depthwiseConv2d", "batchNorm", "spatialDropout"):
                continue
            cfg, cin = n["cfg"], n["inShapes"][0][2]
            if n["op"] == "conv2d":
                m = nn.Conv2d(cin, cfg["filters"], cfg["kernel"], cfg["strides"], 0, cfg["dilation"], 1, cfg["useBias"])
            elif n["op"] == "depthwiseConv2d":
                m = nn.Conv2d(cin, cin * cfg["depthMultiplier"], cfg["kernel"], cfg["strides"], 0, cfg["dilation"], cin, cfg["useBias"])
            elif n["op"] == "batchNorm":
                m = nn.BatchNorm2d(cin, eps=cfg["epsilon"], momentum=1 - cfg["momentum"], affine=cfg["center"] and cfg["scale"])
            else:
                m = nn.Dropout2d(cfg["rate"])
            for p in m.parameters():
                p.requires_grad_(n["trainable"])
            self.mods[key] = m
        self.flops = 0
        self.report = None

    def run(self, n, xs):
        op, cfg = n["op"], n["cfg"]
        x = xs[0]
        if op in ("conv2d", "depthwiseConv2d"):
            m = self.mods[n["layer"]]
            t, b, l, r = pads_of(n)
            if t == b and l == r:
                y = F.conv2d(x, m.weight, m.bias, m.stride, (t, l), m.dilation, m.groups)
            else:
                y = F.conv2d(F.pad(x, (l, r, t, b)), m.weight, m.bias, m.stride, 0, m.dilation, m.groups)
            act = cfg["activation"]
            if act not in ACTIVATIONS:
                raise ValueError(f"torch twin: node {n['id']} has activation {act}, which the twin does not know")
            self.flops += 2 * y[0].numel() * m.weight[0].numel()
            return ACTIVATIONS[act](y)
        if op in ("batchNorm", "spatialDropout"):
            return self.mods[n["layer"]](x)
        if op == "relu":
            return F.relu(x) if cfg["maxValue"] is None else torch.clamp(x, 0, cfg["maxValue"])
        if op == "add":
            return sum(xs[1:], xs[0])
        if op == "concat":
            if cfg["axis"] not in (-1, 3):
                raise ValueError(f"torch twin: node {n['id']} concatenates on axis {cfg['axis']}")
            return torch.cat(xs, 1)
        if op == "upsample":
            if cfg["interpolation"] != "nearest":
                raise ValueError(f"torch twin: node {n['id']} upsamples by {cfg['interpolation']}")
            return F.interpolate(x, scale_factor=tuple(cfg["size"]), mode="nearest")
        if op == "crop":
            (t, b), (l, r) = cfg["cropping"]
            return x[:, :, t : x.shape[2] - b, l : x.shape[3] - r]
        if op == "zeroPad":
            (t, b), (l, r) = cfg["padding"]
            return F.pad(x, (l, r, t, b))
        if op == "maxPool":
            t, b, l, r = pads_of(n)
            k, s = tuple(cfg["poolSize"]), tuple(cfg["strides"])
            if t == b and l == r:
                return F.max_pool2d(x, k, s, (t, l))
            return F.max_pool2d(F.pad(x, (l, r, t, b), value=-math.inf), k, s)
        raise ValueError(f"torch twin: node {n['id']} is a {op}, which the twin does not build")

    def forward(self, image):
        vals, counted, report = {}, set(), []
        for n in self.nodes:
            y = image if n["op"] == "input" else self.run(n, [vals[i] for i in n["inputs"]])
            vals[n["id"]] = y
            if self.report is None:
                m = self.mods[n["layer"]] if n["layer"] in self.mods else None
                first = m is not None and n["layer"] not in counted
                counted.add(n["layer"])
                params = sum(t.numel() for t in [*m.parameters(), *[b for k, b in m.named_buffers() if "running" in k]]) if first else 0
                trainable = sum(p.numel() for p in m.parameters() if p.requires_grad) if first else 0
                report.append({"id": n["id"], "op": n["op"], "outShape": [y.shape[2], y.shape[3], y.shape[1]], "params": params, "trainableParams": trainable})
        if self.report is None:
            self.report = report
        return [vals[i] for i in self.outputs]


def grid(outs):
    """Location centres and strides ([1, N, 1] each) of the output maps, in the loss's flattening order."""
    px, py, st = [], [], []
    for o, stride in zip(outs, (8, 16)):
        h, w = o.shape[2], o.shape[3]
        yy, xx = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
        px.append(((xx.flatten() + 0.5) * stride).float())
        py.append(((yy.flatten() + 0.5) * stride).float())
        st.append(torch.full((h * w,), float(stride)))
    return [torch.cat(v).view(1, -1, 1) for v in (px, py, st)]


def giou_fn(a, b):
    ix = (torch.min(a[2], b[2]) - torch.max(a[0], b[0])).clamp(min=0)
    iy = (torch.min(a[3], b[3]) - torch.max(a[1], b[1])).clamp(min=0)
    inter = ix * iy
    area = lambda r: (r[2] - r[0]).clamp(min=0) * (r[3] - r[1]).clamp(min=0)  # noqa: E731
    union = area(a) + area(b) - inter + 1e-7
    hull = (torch.max(a[2], b[2]) - torch.min(a[0], b[0])) * (torch.max(a[3], b[3]) - torch.min(a[1], b[1])) + 1e-7
    return inter / union - (hull - union) / hull


def loss_fn(outs, nc, g, cls, box, pos):
    flat = torch.cat([o.permute(0, 2, 3, 1).reshape(o.shape[0], -1, nc + 4) for o in outs], 1)
    logits, reg = flat[..., :nc], flat[..., nc:]
    ce = F.binary_cross_entropy_with_logits(logits, cls, reduction="none")
    p = torch.sigmoid(logits)
    pt = p * cls + (1 - p) * (1 - cls)
    focal = ((0.25 * cls + 0.75 * (1 - cls)) * (1 - pt) ** 2 * ce).sum()
    d = torch.exp(reg.clamp(-8, 8)) * g[2]
    pred = [g[0] - d[..., 0:1], g[1] - d[..., 1:2], g[0] + d[..., 2:3], g[1] + d[..., 3:4]]
    tgt = [box[..., i : i + 1] for i in range(4)]
    box_loss = (pos * (1 - giou_fn(pred, tgt))).sum()
    soft_ce = torch.logsumexp(logits, 2, keepdim=True) - (logits * cls).sum(2, keepdim=True)
    aux = (pos * soft_ce).sum()
    return (focal + 2 * box_loss + 2 * aux) / pos.sum().clamp(min=1)


def matmul_ceiling(n=2048, reps=4):
    a, b = torch.rand(n, n), torch.rand(n, n)
    a @ b
    best = 0.0
    for _ in range(reps):
        t0 = time.perf_counter()
        a @ b
        best = max(best, 2 * n**3 / (time.perf_counter() - t0) / 1e9)
    return best


def train_speed(arch, batch, steps, device="cpu", warmup=1):
    """Builds the twin from `arch`, trains it on one synthetic batch on `device`; speed and what it built."""
    torch.manual_seed(0)
    model = Twin(arch)
    side = arch["nodes"][0]["outShape"][0]
    nc = next(n for n in arch["nodes"] if n["id"] == arch["outputs"][0])["outShape"][2] - 4
    with torch.no_grad():
        outs = model.eval()(torch.zeros(1, 3, side, side))  # on the CPU: the report and the FLOPs
    model.train()
    flops, model.flops = model.flops, 0
    model.to(device)
    g = [t.to(device) for t in grid(outs)]
    n_loc = g[0].shape[1]
    pos = (torch.rand(batch, n_loc, 1) < 0.02).float().to(device)
    cls = F.pad(pos, (0, nc - 1))
    box = torch.tensor([side * 0.3, side * 0.3, side * 0.6, side * 0.6], device=device).expand(batch, n_loc, 4)
    x = torch.rand(batch, 3, side, side, device=device)
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-4)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), nc, g, cls, box, pos)
        loss.backward()
        opt.step()
        return loss.item()  # waits for the device, like the tfjs side's await loss.data()

    first = [step() for _ in range(warmup)][0]
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        v = step()
        times.append(time.perf_counter() - t0)
    dt = sum(times)
    assert math.isfinite(v)
    return {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "imagesPerSecond": steps * batch / dt,
        "stepSeconds": times,
        "forwardFlops": flops,
        "params": sum(n["params"] for n in model.report),
        "trainableParams": sum(n["trainableParams"] for n in model.report),
        "nodes": model.report,
        "firstLoss": first,
    }


def main():
    arch_path, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(arch_path) as f:
        arch = json.load(f)
    torch.set_num_threads(os.cpu_count() or 1)
    result = train_speed(arch, batch, steps)
    print(json.dumps({**result, "matmulGflops": matmul_ceiling()}))


if __name__ == "__main__":
    main()
