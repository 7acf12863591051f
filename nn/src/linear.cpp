// Linear layer with a fused activation: parameters on the device, forward/backward through the
// core composites, initial values drawn on the host and uploaded.
#include "anvil/nn/linear.h"

#include <vector>

#include "anvil/error.h"
#include "anvil/ops.h"

namespace anvil::nn {

namespace {
// Uploads host doubles converted to dst's dtype on the host (so every backend gets
// the same bits) into dst, in place: tensors handed out earlier (optimizer slots) stay valid.
void upload_into(const std::vector<double>& values, Tensor& dst) {
    if (dst.dtype() == DType::f64) {
        copy_into(Tensor::from_vector(values, dst.shape(), dst.device_ptr()), dst);
        return;
    }
    const std::vector<float> narrow(values.begin(), values.end());
    copy_into(Tensor::from_vector(narrow, dst.shape(), dst.device_ptr()), dst);
}
}  // namespace

Linear::Linear(std::int64_t in, std::int64_t out, ActivationFn activation, bool has_bias,
               const std::shared_ptr<Device>& device, DType dtype)
    : in_(in),
      out_(out),
      activation_(activation),
      has_bias_(has_bias),
      device_(device),
      dtype_(dtype) {
    if (in <= 0 || out <= 0)
        throw Error("[linear] needs in > 0 and out > 0, got in " + std::to_string(in) + ", out " +
                    std::to_string(out));
    if (!device) throw Error("[linear] no device given");
    if (!is_floating(dtype))
        throw Error(std::string("[linear] parameters must be f32 or f64, got ") +
                    dtype_name(dtype));
    if (activation.kind == Activation::sine) activation_ = Sine(activation.omega0);  // validates
    weight_ = Tensor::zeros(Shape{out, in}, dtype, device);
    weight_grad_ = Tensor::zeros(Shape{out, in}, dtype, device);
    if (has_bias) {
        bias_ = Tensor::zeros(Shape{out}, dtype, device);
        bias_grad_ = Tensor::zeros(Shape{out}, dtype, device);
    }
}

void Linear::initialize(Rng& rng, const InitSpec& spec) {
    const LayerInit init = draw_layer(rng, spec, in_, out_, has_bias_);
    upload_into(init.weight, weight_);
    if (!has_bias_) return;
    if (init.bias.empty())
        fill_(bias_, 0.0);  // xavier / he: zero biases
    else
        upload_into(init.bias, bias_);
}

void Linear::forward(const Tensor& x, Tensor& y, Tensor* dact) const {
    const double omega = activation_.kind == Activation::sine ? activation_.omega0 : 1.0;
    linear_act_forward(activation_.kind, omega, x, weight_, has_bias_ ? &bias_ : nullptr, y,
                       needs_dact() ? dact : nullptr);
}

void Linear::backward(const Tensor& x, const Tensor& dy, const Tensor* dact, Tensor* dx) {
    if (needs_dact() && (!dact || !dact->defined()))
        throw Error("[linear] backward of " + activation_.to_string() +
                    " needs the dact that a training forward records");
    linear_act_backward(x, weight_, dy, needs_dact() ? dact : nullptr, dx, weight_grad_,
                        has_bias_ ? &bias_grad_ : nullptr);
}

std::int64_t Linear::parameter_count() const { return in_ * out_ + (has_bias_ ? out_ : 0); }

}  // namespace anvil::nn
