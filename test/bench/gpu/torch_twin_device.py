"""GPU benchmark, PyTorch side: the twin of test/bench/torch_twin.py (whatever architecture it defines when this
runs) trained on synthetic batches on one device, for run-on-gpu.sh. Prints one JSON line; asserts nothing.
Usage: python3 torch_twin_device.py DEVICE IMG WIDTH BATCH STEPS   (DEVICE: cuda or cpu)
"""
import importlib.util
import json
import math
import os
import sys
import time

import torch


def load_twin():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "torch_twin.py")
    spec = importlib.util.spec_from_file_location("torch_twin", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    device, img, width, batch, steps = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    if device == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"device": device, "error": f"torch {torch.__version__} sees no CUDA device"}))
        sys.exit(2)
    twin = load_twin()
    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(0)
    nc = 6
    flops = twin.conv_flops(twin.Detector(nc, width), img)  # counted on the CPU, as torch_twin.py does
    torch.set_default_device(device)  # the twin's loss makes its constants with torch.tensor(...)
    model = twin.Detector(nc, width)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    x = torch.rand(batch, 3, img, img)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = twin.loss_fn(model(x), nc, img)
        loss.backward()
        opt.step()
        return loss.item()  # waits for the device, like the tfjs side's await loss.data()

    for _ in range(3):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        v = step()
    dt = time.perf_counter() - t0
    assert math.isfinite(v)
    name = torch.cuda.get_device_name(0) if device == "cuda" else f"{os.cpu_count()} CPU threads"
    print(json.dumps({"device": device, "name": name, "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "imagesPerSecond": steps * batch / dt, "forwardFlops": flops}))


if __name__ == "__main__":
    main()
