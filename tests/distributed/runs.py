"""Helpers of the distributed tests (distributed_test.py): running anvil-siren alone or under
mpirun, and reading what it wrote (metrics.csv, the safetensors checkpoint) with the standard
library only, so that the tests need no numpy."""
import array
import json
import os
import shutil
import struct
import subprocess

# Open MPI refuses to run as root unless told; the tests say so for their own processes only.
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMP_NUM_THREADS": "1", "OMPI_MCA_rmaps_base_oversubscribe": "1"}


def environment(extra=None):
    env = dict(os.environ)
    env.update(MPI_ENV)
    env.update(extra or {})
    return env


def mpirun():
    return shutil.which("mpirun")


def run(argv, timeout=120, env=None):
    """Runs argv; returns (returncode, stdout, stderr)."""
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       env=environment(env))
    return p.returncode, p.stdout, p.stderr


def mpi_argv(ranks, siren_argv, mca=()):
    argv = [mpirun(), "--oversubscribe", "-np", str(ranks), "--bind-to", "none"]
    for key, value in mca:
        argv += ["--mca", key, value]
    return argv + ["-x", "OMP_NUM_THREADS"] + siren_argv


def losses(out_dir):
    """metrics.csv's loss column, in step order."""
    with open(os.path.join(out_dir, "metrics.csv")) as f:
        rows = f.read().strip().splitlines()[1:]
    return [float(r.split(",")[1]) for r in rows]


def checkpoint(path):
    """(metadata, {name: list of floats}) of a safetensors file of F32 tensors."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    meta = header.pop("__metadata__", {})
    base = 8 + length
    tensors = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", info
        begin, end = info["data_offsets"]
        values = array.array("f")
        values.frombytes(data[base + begin:base + end])
        tensors[name] = values
    return meta, tensors


def parameters(path):
    """The model's tensors (not the optimizer's) of a checkpoint."""
    _, tensors = checkpoint(path)
    return {k: v for k, v in tensors.items() if k.startswith("layers.")}


def max_relative_difference(a, b):
    """max over tensors of max|a - b| / max|a|: a difference against the tensor's scale."""
    worst = 0.0
    for name in a:
        scale = max(abs(x) for x in a[name]) or 1.0
        diff = max(abs(x - y) for x, y in zip(a[name], b[name]))
        worst = max(worst, diff / scale)
    return worst
