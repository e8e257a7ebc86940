"""GPU benchmark, PyTorch side: the twin of test/bench/torch_twin.py, built from the architecture description
that prepare.sh exported from the tfjs model, trained on synthetic batches on one device, for run-on-gpu.sh.
Prints one JSON line; asserts nothing.
Usage: python3 torch_twin_device.py DEVICE ARCH_JSON BATCH STEPS   (DEVICE: cuda or cpu)
"""
import importlib.util
import json
import os
import sys

import torch


def load_twin():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "torch_twin.py")
    spec = importlib.util.spec_from_file_location("torch_twin", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    device, arch_path, batch, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if device == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"device": device, "error": f"torch {torch.__version__} sees no CUDA device"}))
        sys.exit(2)
    twin = load_twin()
    torch.set_num_threads(os.cpu_count() or 1)
    with open(arch_path) as f:
        arch = json.load(f)
    r = twin.train_speed(arch, batch, steps, device, warmup=3)
    name = torch.cuda.get_device_name(0) if device == "cuda" else f"{os.cpu_count()} CPU threads"
    print(json.dumps({"device": device, "name": name, "torch": r["torch"], "threads": r["threads"],
                      "imagesPerSecond": r["imagesPerSecond"], "forwardFlops": r["forwardFlops"], "params": r["params"]}))


if __name__ == "__main__":
    main()
