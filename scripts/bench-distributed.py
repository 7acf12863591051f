#!/usr/bin/env python3
"""Data parallelism on this machine (docs/distributed.md, docs/performance.md): anvil-siren at
SIZE full batch as one process with 2 threads against `mpirun -np 2` with 1 thread per rank,
alternating, REPS times each; then the allreduce alone (anvil-bench-allreduce, 2 ranks).
Reports medians of summary.json's ms/step, the allreduce's ms/step and bytes/step, the
throughput ratio, and the load average around each run (the machine is shared).
  scripts/bench-distributed.py [--build build] [--size 256x256] [--steps 20] [--reps 5]
Writes BUILD/bench-results/distributed.json."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}


def load():
    return os.getloadavg()[0]


def siren(build, size, steps, out, threads, ranks):
    argv = [f"{build}/bin/anvil-siren", "--backend", "cpu", "--image", "data/cameraman.png",
            "--train-size", size, "--batch", "full", "--steps", str(steps), "--snapshot-every",
            str(steps), "--seed", "0", "--quiet", "--out", out]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), **ENV)
    if ranks:
        argv = ["mpirun", "--oversubscribe", "-np", str(ranks), "--bind-to", "none",
                "-x", "OMP_NUM_THREADS", *argv]
    else:
        argv += ["--distributed", "none"]
    before = load()
    subprocess.run(argv, check=True, env=env)
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    return {"ms_per_step": s["ms_per_step"], "allreduce_ms_per_step": s["allreduce_ms_per_step"],
            "allreduce_bytes_per_step": s["allreduce_bytes_per_step"],
            "load_before": before, "load_after": load(), "final_loss": s["final_loss"]}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default="build")
    p.add_argument("--size", default="256x256")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--reps", type=int, default=5)
    a = p.parse_args()
    runs = {"1 process x 2 threads": [], "mpirun -np 2 x 1 thread": []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(a.reps):
            runs["1 process x 2 threads"].append(
                siren(a.build, a.size, a.steps, f"{tmp}/one{r}", threads=2, ranks=0))
            runs["mpirun -np 2 x 1 thread"].append(
                siren(a.build, a.size, a.steps, f"{tmp}/np2{r}", threads=1, ranks=2))
            for name, rs in runs.items():
                x = rs[-1]
                print(f"rep {r + 1}: {name:24s} {x['ms_per_step']:8.1f} ms/step, allreduce "
                      f"{x['allreduce_ms_per_step']:6.2f} ms/step ({x['allreduce_bytes_per_step']} "
                      f"bytes), load {x['load_before']:.1f} -> {x['load_after']:.1f}", flush=True)
    summary = {}
    for name, rs in runs.items():
        summary[name] = {k: statistics.median(x[k] for x in rs)
                         for k in ("ms_per_step", "allreduce_ms_per_step", "load_before")}
        summary[name]["ms_per_step_all"] = [round(x["ms_per_step"], 2) for x in rs]
        summary[name]["allreduce_bytes_per_step"] = rs[0]["allreduce_bytes_per_step"]
    one, two = summary["1 process x 2 threads"], summary["mpirun -np 2 x 1 thread"]
    ratio = one["ms_per_step"] / two["ms_per_step"]
    share = two["allreduce_ms_per_step"] / two["ms_per_step"]
    print(f"\n{a.size} full batch, medians of {a.reps}: 1x2 {one['ms_per_step']:.1f} ms/step, "
          f"np2 {two['ms_per_step']:.1f} ms/step -> np2 throughput {ratio:.2f}x of 1x2; "
          f"allreduce {two['allreduce_ms_per_step']:.2f} ms/step = {100 * share:.1f}% of the "
          f"step, {two['allreduce_bytes_per_step']} bytes/step")
    bench = subprocess.run(["mpirun", "--oversubscribe", "-np", "2", "--bind-to", "none",
                            f"{a.build}/bin/anvil-bench-allreduce", "--reps", "30"],
                           capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="1", **ENV))
    print("\nallreduce alone, 2 ranks (anvil-bench-allreduce):\n" + bench.stdout + bench.stderr)
    os.makedirs(f"{a.build}/bench-results", exist_ok=True)
    with open(f"{a.build}/bench-results/distributed.json", "w") as f:
        json.dump({"size": a.size, "steps": a.steps, "reps": a.reps, "runs": runs,
                   "summary": summary, "np2_throughput_ratio": ratio,
                   "allreduce_share": share, "allreduce_bench": bench.stdout}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
