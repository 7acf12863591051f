// Mlp: the sequential multilayer perceptron of anvil-siren, with an explicit forward/backward
// and a context that keeps what backward needs. Layout for L hidden layers of width H:
//   in -> [Linear+act] H -> (L-1) x [Linear+act] H -> [Linear] out (identity, or sigmoid head)
// i.e. L + 1 Linear layers. For SIREN the first layer uses first_omega0, the others omega0.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "anvil/export.h"
#include "anvil/nn/activation.h"
#include "anvil/nn/init.h"
#include "anvil/nn/linear.h"

namespace anvil::nn {

struct MlpConfig {
    std::int64_t in_features = 2;    // pixel coordinates (x, y)
    std::int64_t out_features = 3;   // RGB (1 for grey)
    std::int64_t hidden = 256;       // H: width of every hidden layer
    std::int64_t hidden_layers = 3;  // L >= 1: number of activated layers of width H
    Activation activation = Activation::sine;
    double omega0 = 30.0;        // sine only: hidden layers 2..L
    double first_omega0 = 30.0;  // sine only: the first layer
    bool sigmoid_head = false;   // output layer is sigmoid (for BCE) instead of identity
    bool bias = true;

    // Throws "[mlp] ..." naming the first invalid field.
    ANVIL_EXPORT void validate() const;
    // "2 -> 3x256 sine(omega0=30, first 30) -> 3", for logs and summaries.
    ANVIL_EXPORT std::string describe() const;
    // The init that suits the activation: siren for sine, he_normal for relu,
    // xavier_uniform for tanh, sigmoid and identity.
    ANVIL_EXPORT InitKind default_init() const;
    // Parameters of the model this config builds, without building it (for memory budgets):
    // (in + 1) H + (L - 1) (H + 1) H + (H + 1) out, without the + 1s when bias is off.
    ANVIL_EXPORT std::int64_t parameter_count() const;
    // Bytes per sample of an MlpContext's workspace (elements of `dtype`): every layer's output
    // after an inference forward; for training, also each activation derivative and the two
    // (N, H) backward buffers, as held after forward(x, ctx, true) and backward. Times N, it is
    // ctx.workspace_bytes(), so budgets follow when a layer kind changes what it keeps.
    ANVIL_EXPORT std::size_t workspace_bytes_per_sample(bool training,
                                                        DType dtype = DType::f32) const;
    bool operator==(const MlpConfig& other) const = default;
};

// Workspace of one forward/backward pass: every layer's output and activation derivative,
// and the backward buffers. Buffers are allocated on the first pass and reused while the
// batch size N stays the same (no allocation per step); another N reallocates them.
class ANVIL_EXPORT MlpContext {
public:
    MlpContext() = default;
    std::int64_t batch() const { return batch_; }
    // y: (N, out) of the last forward; undefined before the first.
    const Tensor& output() const;
    // Total bytes held by the workspace buffers, for memory budgets.
    std::size_t workspace_bytes() const;

private:
    friend class Mlp;
    std::int64_t batch_ = -1;
    bool training_ = false;        // whether the last forward recorded dact for backward
    Tensor input_;                 // x: (N, in), a handle on the caller's tensor (not a copy)
    std::vector<Tensor> outputs_;  // layer i output: (N, out_i); layer i + 1's input
    std::vector<Tensor> dacts_;    // layer i d act / d z: (N, out_i); undefined for identity
    std::array<Tensor, 2> grad_ping_pong_;  // dx of the hidden layers: (N, H) each
    const void* owner_ = nullptr;           // the Mlp that shaped these buffers
};

class ANVIL_EXPORT Mlp {
public:
    // Allocates all layers on `device` (parameters zero until initialize()).
    Mlp(const MlpConfig& config, const std::shared_ptr<Device>& device, DType dtype = DType::f32);
    // Optimizers hold pointers to the parameters: no copies, and no assignment over a model
    // an optimizer uses. Moving keeps the layers (and so the parameter addresses) in place.
    Mlp(const Mlp&) = delete;
    Mlp& operator=(const Mlp&) = delete;
    Mlp(Mlp&&) noexcept = default;

    // Draws all parameters from one Rng(seed), layer by layer (W then b), with `init`
    // (config().default_init() when not given) and scale for uniform/normal.
    void initialize(std::uint64_t seed);
    void initialize(std::uint64_t seed, InitKind init, double scale = 0.0);

    // x: (N, in) -> (N, out), returned as a reference into ctx (valid until the next pass with
    // ctx). training = true records the activation derivatives that backward needs;
    // false (inference, rendering) skips them.
    const Tensor& forward(const Tensor& x, MlpContext& ctx, bool training = true) const;
    // dy: (N, out) = d loss / d output of the last training forward with ctx. Writes every
    // layer's parameter gradients (overwriting them).
    void backward(MlpContext& ctx, const Tensor& dy);

    const MlpConfig& config() const { return config_; }
    DType dtype() const { return dtype_; }
    const std::shared_ptr<Device>& device() const { return device_; }
    std::vector<Linear>& layers() { return layers_; }
    const std::vector<Linear>& layers() const { return layers_; }
    std::int64_t parameter_count() const;
    // "layers.0.weight", "layers.0.bias", "layers.1.weight", ... in layer order.
    std::vector<Parameter> parameters();
    // The same names and order, read-only (for saving).
    std::vector<std::pair<std::string, const Tensor*>> named_parameters() const;

private:
    MlpConfig config_;
    std::shared_ptr<Device> device_;
    DType dtype_;
    std::vector<Linear> layers_;
};

}  // namespace anvil::nn
