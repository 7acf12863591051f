"""Opens an anvil-siren checkpoint with Python's safetensors and numpy, checks its tensors and
metadata, and evaluates the SIREN it holds on the training grid, which must reproduce the
reconstruction that anvil-siren rendered (given as raw 8-bit grey pixels, row-major).
usage: check_checkpoint.py CKPT RECONSTRUCTION_RAW"""
import sys

import numpy as np
from safetensors import safe_open


def main(ckpt, raw_path):
    with safe_open(ckpt, framework="numpy") as f:
        meta = f.metadata()
        tensors = {name: f.get_tensor(name) for name in f.keys()}
    assert meta["format"] == "anvil-mlp", meta
    assert meta["train.app"] == "anvil-siren", meta
    width, height = int(meta["train.width"]), int(meta["train.height"])
    hidden_layers = int(meta["arch.hidden_layers"])
    hidden = int(meta["arch.hidden"])
    assert meta["arch.activation"] == "sine", meta["arch.activation"]
    omega0, first = float(meta["arch.omega0"]), float(meta["arch.first_omega0"])
    assert int(meta["step"]) > 0
    for i in range(hidden_layers + 1):
        w, b = tensors[f"layers.{i}.weight"], tensors[f"layers.{i}.bias"]
        assert w.dtype == np.float32 and b.dtype == np.float32
        assert w.shape[0] == b.shape[0]
        assert w.shape[0] == (hidden if i < hidden_layers else 1), w.shape
        assert np.all(np.isfinite(w)) and np.all(np.isfinite(b))
        assert f"optimizer.layers.{i}.weight.m" in tensors  # Adam state travels along

    # Pixel centres in [-1, 1], the longer side spanning the whole interval (apps/siren/grid.h).
    longer = max(width, height)
    xs = ((np.arange(width) + 0.5) / width * 2 - 1) * (width / longer)
    ys = ((np.arange(height) + 0.5) / height * 2 - 1) * (height / longer)
    gx, gy = np.meshgrid(xs, ys)
    h = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    for i in range(hidden_layers + 1):
        z = h @ tensors[f"layers.{i}.weight"].T + tensors[f"layers.{i}.bias"]
        h = np.sin((first if i == 0 else omega0) * z) if i < hidden_layers else z
    pixels = np.clip((h[:, 0] + 1) / 2, 0, 1) * 255
    rendered = np.frombuffer(open(raw_path, "rb").read(), dtype=np.uint8).astype(np.float64)
    assert rendered.size == width * height, (rendered.size, width, height)
    worst = np.abs(pixels - rendered).max()
    assert worst <= 2.0, f"numpy re-evaluation differs by {worst} levels"
    print(f"ok: {len(tensors)} tensors, {width}x{height}, max difference {worst:.2f} levels")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
