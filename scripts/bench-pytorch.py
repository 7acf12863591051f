#!/usr/bin/env python3
"""The SIREN training step in anvil and in PyTorch, on the CPU or one GPU, side by side, from one run.

Both run the same step: 2 -> 256 -> 256 -> 256 -> 256 -> 1 (four sine layers, omega 30, a
linear output; --layers changes the count), full batch over a side x side pixel grid, f32,
MSE loss, Adam (lr 1e-4), with the same number of threads, the same warm-up and the same
number of timed steps (median reported). anvil's numbers come from
build/bin/anvil-bench-siren (which also times the step's GEMMs alone); PyTorch's from this
script, run by --python or else inside a virtual environment into which it installs torch
from PyPI (not a project dependency).

--device cuda runs anvil's cuda backend and PyTorch on cuda:0. Each timed step ends with a
host read of the loss (and anvil's with a stream synchronisation), so wall time is GPU time.
Both use exact FP32 GEMMs unless --tf32 (ANVIL_CUDA_TF32=1 and PyTorch's TF32 matmuls).

    scripts/bench-pytorch.py [--anvil-bin build/bin/anvil-bench-siren] [--sizes 128,256]
                             [--device cpu|cuda] [--tf32] [--threads N] [--warmup 2]
                             [--reps 7] [--venv build/bench-venv | --python python3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OMEGA = 30.0


def widths_for(sine_layers):
    return [2] + [256] * sine_layers + [1]


def gemm_flops(pixels, widths):
    """GEMM flops of one step, counted as anvil-bench-siren counts them (1.18 MFLOP/pixel
    for 4 sine layers)."""
    macs = 0
    for layer in range(len(widths) - 1):
        macs += pixels * widths[layer] * widths[layer + 1] * (2 if layer == 0 else 3)
    return 2.0 * macs


def peak_rss_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def reset_peak_rss():
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def set_torch_tf32(torch, enabled):
    """Exact FP32 matmuls unless TF32 was asked for (PyTorch >= 2.9 spells it fp32_precision)."""
    matmul = torch.backends.cuda.matmul
    if hasattr(matmul, "fp32_precision"):
        matmul.fp32_precision = "tf32" if enabled else "ieee"
    else:
        matmul.allow_tf32 = enabled
    return enabled


def torch_worker(args):
    """Runs inside the venv: times the PyTorch step and prints one JSON list."""
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    device = torch.device(args.device)
    cuda = device.type == "cuda"
    if cuda:
        set_torch_tf32(torch, args.tf32)
    results = []
    widths = widths_for(args.layers)
    for side in args.sizes:
        rss_per_size = reset_peak_rss()
        if cuda:
            torch.cuda.reset_peak_memory_stats(device)
        # Pixel-centre coordinates in [-1, 1]^2 and the smooth target of siren_step.cpp.
        axis = (2.0 * torch.arange(side, dtype=torch.float32) + 1.0) / side - 1.0
        v, u = torch.meshgrid(axis, axis, indexing="ij")
        coords = torch.stack([u.reshape(-1), v.reshape(-1)], dim=1).contiguous()
        target = (0.5 * torch.sin(6.0 * u) * torch.cos(4.0 * v) + 0.3 * u * v).reshape(-1, 1)

        layers = torch.nn.ModuleList()
        for index in range(len(widths) - 1):
            fan_in = widths[index]
            layer = torch.nn.Linear(fan_in, widths[index + 1])
            bound = 1.0 / fan_in if index == 0 else (6.0 / fan_in) ** 0.5 / OMEGA
            with torch.no_grad():
                layer.weight.uniform_(-bound, bound)
                layer.bias.uniform_(-bound, bound)
            layers.append(layer)
        coords, target, layers = coords.to(device), target.to(device), layers.to(device)
        optimizer = torch.optim.Adam(layers.parameters(), lr=1e-4)

        def step():
            optimizer.zero_grad(set_to_none=True)
            h = coords
            for layer in layers[:-1]:
                h = torch.sin(OMEGA * layer(h))
            loss = torch.mean((layers[-1](h) - target) ** 2)
            loss.backward()
            optimizer.step()
            return loss.item()

        first_loss = step()
        for _ in range(args.warmup - 1):
            step()
        times = []
        for _ in range(args.reps):
            start = time.perf_counter()
            last_loss = step()
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        flops = gemm_flops(side * side, widths)
        # Measured like anvil's: total - free of the whole GPU (context and caching allocator
        # included), after the timed steps.
        gpu_free, gpu_total = torch.cuda.mem_get_info(device) if cuda else (0, 0)
        results.append({
            "backend": "pytorch",
            "sine_layers": args.layers,
            "torch_version": torch.__version__,
            "threads": torch.get_num_threads(),
            "size": f"{side}x{side}",
            "pixels": side * side,
            "step_ms_median": median * 1e3,
            "step_ms_min": min(times) * 1e3,
            "step_ms_all": times,
            "effective_gflops": flops * 1e-9 / median,
            "loss_first": first_loss,
            "loss_last": last_loss,
            "peak_rss_bytes": peak_rss_bytes(),
            "peak_rss_per_size": rss_per_size,
            "device": torch.cuda.get_device_name(device) if cuda else "cpu",
            "tf32": bool(args.tf32) if cuda else False,
            "device_memory_in_use_bytes": gpu_total - gpu_free,
            "max_memory_allocated_bytes": torch.cuda.max_memory_allocated(device) if cuda else 0,
        })
    print(json.dumps(results))


def ensure_venv(venv):
    """Creates `venv` and installs torch from PyPI into it unless it is already there."""
    python = venv / "bin" / "python3"
    if python.exists() and subprocess.run([str(python), "-c", "import torch"],
                                          capture_output=True).returncode == 0:
        return python
    print(f"bench-pytorch: installing torch from PyPI into {venv} (once; a few GB)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "torch"], check=True)
    return python


def human_bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024.0
    return f"{n:.1f} GiB"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--anvil-bin", default=str(ROOT / "build" / "bin" / "anvil-bench-siren"))
    parser.add_argument("--sizes", default="128,256", help="image sides, comma-separated")
    parser.add_argument("--threads", type=int,
                        default=int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1)))
    parser.add_argument("--layers", type=int, default=4,
                        help="sine layers of width 256 (4: issue 5's 1.18 MFLOP/pixel network)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                        help="cpu: anvil's cpu backend and PyTorch on the CPU; cuda: both on GPU 0")
    parser.add_argument("--tf32", action="store_true",
                        help="with --device cuda: TF32 GEMMs in both (ANVIL_CUDA_TF32=1)")
    parser.add_argument("--venv", default=str(ROOT / "build" / "bench-venv"))
    parser.add_argument("--python", help="a Python that has torch (instead of --venv)")
    parser.add_argument("--out", help="also write both sets of results as JSON here")
    parser.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s]
    except ValueError:
        sys.exit(f"bench-pytorch: --sizes must be integers separated by commas, got {args.sizes!r}")
    if min(args.warmup, args.reps, args.threads, args.layers) < 1:
        sys.exit("bench-pytorch: --warmup, --reps, --threads and --layers must be at least 1")
    if args.tf32 and args.device != "cuda":
        sys.exit("bench-pytorch: --tf32 needs --device cuda")
    if args.torch_worker:
        torch_worker(args)
        return

    anvil_bin = Path(args.anvil_bin)
    if not anvil_bin.exists():
        sys.exit(f"bench-pytorch: {anvil_bin} does not exist; build it first "
                 "(cmake --build build --target anvil-bench-siren) or pass --anvil-bin")
    python = args.python or ensure_venv(Path(args.venv))
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    if args.tf32:
        env["ANVIL_CUDA_TF32"] = "1"
    sizes = ",".join(str(s) for s in args.sizes)

    with tempfile.TemporaryDirectory() as tmp:
        anvil_json = Path(tmp) / "anvil.json"
        anvil_run = subprocess.run([str(anvil_bin), "--backend", args.device, "--sizes", sizes,
                                    "--layers", str(args.layers), "--warmup", str(args.warmup),
                                    "--reps", str(args.reps), "--json", str(anvil_json)],
                                   env=env, stdout=subprocess.DEVNULL)
        if anvil_run.returncode != 0:  # it has said why on stderr
            sys.exit(f"bench-pytorch: {anvil_bin.name} failed (exit {anvil_run.returncode})")
        anvil = json.loads(anvil_json.read_text())
    worker = subprocess.run([str(python), __file__, "--torch-worker", "--sizes", sizes,
                             "--layers", str(args.layers),
                             "--threads", str(args.threads), "--warmup", str(args.warmup),
                             "--reps", str(args.reps), "--device", args.device]
                            + (["--tf32"] if args.tf32 else []),
                            env=env, capture_output=True, text=True)
    if worker.returncode != 0:
        sys.exit(f"bench-pytorch: the PyTorch run failed:\n{worker.stderr.strip()}")
    torch_results = json.loads(worker.stdout.strip().splitlines()[-1])

    gpu = args.device == "cuda"
    print(f"SIREN step 2 -> {args.layers}x256 sine -> 1, full batch, f32, Adam; "
          + (f"GEMMs {'TF32' if args.tf32 else 'exact FP32'}; " if gpu else f"{args.threads} threads; ")
          + f"{args.warmup} warm-up + {args.reps} timed steps, median")
    print(f"anvil: {anvil[0]['device']}")
    print(f"PyTorch {torch_results[0]['torch_version']} on {torch_results[0]['device']} "
          f"(torch.get_num_threads() = {torch_results[0]['threads']})")
    # GPU steps take milliseconds: two decimals; memory is the GPU's in use (total - free).
    ms = ".2f" if gpu else ".1f"
    memory = "device_memory_in_use_bytes" if gpu else "peak_rss_bytes"
    mem_label = "GPU mem" if gpu else "RSS"
    print(f"{'size':<9} {'anvil ms':>9} {'GFLOP/s':>8} {'GEMM ms':>8} {'step/GEMM':>9} "
          f"{'torch ms':>9} {'GFLOP/s':>8} {'speedup':>8} {'anvil ' + mem_label:>13} "
          f"{'torch ' + mem_label:>13}")
    for a, t in zip(anvil, torch_results):
        print(f"{a['size']:<9} {a['step_ms_median']:>9{ms}} {a['effective_gflops']:>8.1f} "
              f"{a['gemm_ms_median']:>8{ms}} {a['step_over_gemm']:>9.3f} "
              f"{t['step_ms_median']:>9{ms}} {t['effective_gflops']:>8.1f} "
              f"{t['step_ms_median'] / a['step_ms_median']:>7.2f}x "
              f"{human_bytes(a[memory]):>13} {human_bytes(t[memory]):>13}")
    mflop = gemm_flops(1, widths_for(args.layers)) * 1e-6
    print("speedup = PyTorch ms/step / anvil ms/step; step/GEMM = anvil step / its GEMMs alone "
          f"(same run); GFLOP/s counts the step's GEMM work, {mflop:.2f} MFLOP per pixel")
    if gpu:
        print("GPU mem = total - free GPU memory after the timed steps, in each process "
              "(CUDA context and memory pools included)")
    else:
        loads = [a["load_average_1min"] for a in anvil]
        print(f"1-minute load average during anvil's runs: {loads} (other processes skew times)")
    if args.out:
        Path(args.out).write_text(json.dumps({"anvil": anvil, "pytorch": torch_results}, indent=2))


if __name__ == "__main__":
    main()
