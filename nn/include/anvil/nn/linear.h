// Linear: a fully connected layer fused with its activation, y = act(x W^T + b), built on the
// core composites anvil::linear_act_forward / linear_act_backward, which a backend may run as
// one fused kernel. Shapes: x: (N, in), W: (out, in), b: (out), y: (N, out).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "anvil/device.h"
#include "anvil/export.h"
#include "anvil/nn/activation.h"
#include "anvil/nn/init.h"
#include "anvil/tensor.h"

namespace anvil::nn {

// A trainable tensor with its gradient, named for checkpoints ("layers.0.weight").
struct Parameter {
    std::string name;
    Tensor* value = nullptr;
    Tensor* grad = nullptr;
};

class ANVIL_EXPORT Linear {
public:
    // Parameters and gradients are allocated on `device` and zero until initialize().
    // Throws "[linear] ..." for in <= 0, out <= 0, a non-floating dtype or a null device.
    Linear(std::int64_t in, std::int64_t out, ActivationFn activation, bool has_bias,
           const std::shared_ptr<Device>& device, DType dtype = DType::f32);

    // Draws W then b from rng on the host (see draw_layer) and uploads them.
    void initialize(Rng& rng, const InitSpec& spec);

    // x: (N, in) -> y: (N, out). dact (N, out), when given, receives d act / d z, all that
    // backward needs besides x; identity needs none (pass nullptr).
    void forward(const Tensor& x, Tensor& y, Tensor* dact) const;
    // dy: (N, out) -> weight_grad (out, in), bias_grad (out) (overwritten, not accumulated),
    // and dx: (N, in) when dx is given. x and dact are what forward saw and produced.
    void backward(const Tensor& x, const Tensor& dy, const Tensor* dact, Tensor* dx);

    std::int64_t in_features() const { return in_; }
    std::int64_t out_features() const { return out_; }
    bool has_bias() const { return has_bias_; }
    const ActivationFn& activation() const { return activation_; }
    // Whether forward needs a dact buffer: every activation but identity.
    bool needs_dact() const { return activation_.kind != Activation::identity; }
    DType dtype() const { return dtype_; }
    const std::shared_ptr<Device>& device() const { return device_; }
    std::int64_t parameter_count() const;

    Tensor& weight() { return weight_; }
    const Tensor& weight() const { return weight_; }
    Tensor& bias() { return bias_; }  // undefined when has_bias() is false
    const Tensor& bias() const { return bias_; }
    Tensor& weight_grad() { return weight_grad_; }
    const Tensor& weight_grad() const { return weight_grad_; }
    Tensor& bias_grad() { return bias_grad_; }
    const Tensor& bias_grad() const { return bias_grad_; }

private:
    std::int64_t in_;
    std::int64_t out_;
    ActivationFn activation_;
    bool has_bias_;
    std::shared_ptr<Device> device_;
    DType dtype_;
    Tensor weight_;       // (out, in)
    Tensor bias_;         // (out)
    Tensor weight_grad_;  // (out, in)
    Tensor bias_grad_;    // (out)
};

}  // namespace anvil::nn
