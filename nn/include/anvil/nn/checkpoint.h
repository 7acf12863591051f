// Training checkpoints: an Mlp's parameters, its optimizer's state and step, the architecture
// and training settings, in one safetensors file that any backend (and Python's safetensors)
// can read. Tensor names: "layers.<i>.weight|bias" for parameters and
// "optimizer.<param>.m|v|velocity" for optimizer state. Metadata keys (all string values):
//   format = "anvil-mlp", format_version = "1", step, dtype,
//   arch.in_features, arch.out_features, arch.hidden, arch.hidden_layers, arch.activation,
//   arch.omega0, arch.first_omega0, arch.sigmoid_head, arch.bias,
//   optimizer (sgd|adam|none), optimizer.steps, optimizer.<hyperparameter>,
//   and the caller's settings under their own keys (the app uses "train.<name>").
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "anvil/dtype.h"
#include "anvil/export.h"
#include "anvil/nn/mlp.h"
#include "anvil/nn/optimizer.h"
#include "anvil/nn/safetensors.h"

namespace anvil::nn {

// Saves atomically (see write_safetensors): an interrupted save never destroys the previous
// checkpoint at `path`. optimizer may be null (a model-only file). `settings` is merged into
// the metadata; its keys must not collide with the reserved ones above.
ANVIL_EXPORT void save_checkpoint(const std::string& path, const Mlp& model,
                                  const Optimizer* optimizer, std::int64_t step,
                                  const std::map<std::string, std::string>& settings = {});

class ANVIL_EXPORT Checkpoint {
public:
    // Reads and validates the whole file: format, metadata, and that every tensor the
    // architecture implies is present with its shape and dtype. Throws anvil::Error with one
    // line "[checkpoint] <path>: ..." (not a safetensors file, truncated, corrupt header JSON,
    // offsets out of range, unknown dtype, not an anvil checkpoint, missing tensor, shape
    // mismatch).
    static Checkpoint read(const std::string& path);
    // The same from bytes in memory (a file's whole contents); `origin` stands for the path in
    // messages and path(). The fuzzer's entry point (tests/fuzz/fuzz_checkpoint.cpp).
    static Checkpoint decode(const std::vector<std::byte>& bytes, const std::string& origin);

    const std::string& path() const { return path_; }
    // The architecture stored in the file: build the model for render-only from this.
    const MlpConfig& config() const { return config_; }
    DType dtype() const { return dtype_; }
    std::int64_t step() const { return step_; }
    // "sgd", "adam" or "none".
    const std::string& optimizer() const { return optimizer_; }
    const std::map<std::string, std::string>& metadata() const { return file_.metadata; }
    // A metadata value, or `fallback` when absent.
    std::string setting(const std::string& key, const std::string& fallback = "") const;
    const SafetensorsFile& file() const { return file_; }

    // Throws "[checkpoint] <path>: checkpoint has 3x256 hidden layers, 3x128 asked for"
    // (and likewise for each architecture field and the dtype) when `wanted` differs.
    void require_config(const MlpConfig& wanted, DType dtype) const;
    // Copies the parameters into `model` (any backend) after require_config.
    void restore_model(Mlp& model) const;
    // Copies the optimizer state and step count. Throws when the kinds differ ("checkpoint
    // was trained with adam, sgd asked for") or the state does not match the parameters.
    void restore_optimizer(Optimizer& optimizer) const;

private:
    Checkpoint() = default;
    std::string path_;
    SafetensorsFile file_;
    MlpConfig config_;
    DType dtype_ = DType::f32;
    std::int64_t step_ = 0;
    std::string optimizer_;
};

}  // namespace anvil::nn
