"""Opens an anvil checkpoint with Python's safetensors, checks what it sees, and writes it back
with safetensors' own writer, for test_checkpoint.cpp to compare with the original.
usage: safetensors_roundtrip.py IN OUT"""
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file


def main(src, dst):
    with safe_open(src, framework="numpy") as f:
        metadata = f.metadata()
        tensors = {name: f.get_tensor(name) for name in f.keys()}
    assert metadata["format"] == "anvil-mlp", metadata
    hidden = int(metadata["arch.hidden"])
    first = tensors["layers.0.weight"]
    assert first.dtype == np.float32, first.dtype
    assert first.shape == (hidden, int(metadata["arch.in_features"])), first.shape
    assert np.all(np.isfinite(first))
    if metadata["optimizer"] == "adam":
        assert tensors["optimizer.layers.0.weight.v"].min() >= 0  # second moments
    save_file(tensors, dst, metadata=metadata)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
