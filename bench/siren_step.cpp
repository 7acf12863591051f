// The benchmarked SIREN training step (see siren_step.h). Initialisation follows the SIREN
// paper (first layer U(-1/in, 1/in), later layers U(-sqrt(6/in)/omega, +)) so activations
// and gradients have realistic magnitudes (no denormals, no overflow) while timing.
#include "siren_step.h"

#include <algorithm>
#include <cmath>

#include "bench_support.h"

namespace anvil::bench {

namespace {
// Pixel-centre coordinates in [-1, 1]^2 and a smooth target image, both (N, ...) row-major.
void make_grid(std::int64_t side, std::vector<float>& coords, std::vector<float>& target) {
    coords.resize(static_cast<std::size_t>(side * side * 2));
    target.resize(static_cast<std::size_t>(side * side));
    for (std::int64_t r = 0; r < side; ++r) {
        for (std::int64_t c = 0; c < side; ++c) {
            const auto i = static_cast<std::size_t>(r * side + c);
            const float u = (2.0f * static_cast<float>(c) + 1.0f) / static_cast<float>(side) - 1.0f;
            const float v = (2.0f * static_cast<float>(r) + 1.0f) / static_cast<float>(side) - 1.0f;
            coords[2 * i] = u;
            coords[2 * i + 1] = v;
            target[i] = 0.5f * std::sin(6.0f * u) * std::cos(4.0f * v) + 0.3f * u * v;
        }
    }
}
}  // namespace

std::vector<std::int64_t> SirenStep::widths_for(int sine_layers, std::int64_t hidden) {
    std::vector<std::int64_t> widths{2};
    for (int l = 0; l < sine_layers; ++l) widths.push_back(hidden);
    widths.push_back(1);
    return widths;
}

SirenStep::SirenStep(const std::shared_ptr<Device>& device, std::int64_t side,
                     std::vector<std::int64_t> widths, double omega)
    : device_(device), pixels_(side * side), widths_(std::move(widths)), omega_(omega) {
    const std::int64_t n = pixels_;
    const std::size_t count = widths_.size() - 1;
    std::vector<float> coords, target;
    make_grid(side, coords, target);
    acts_.push_back(Tensor::from_vector(coords, Shape{n, widths_[0]}, device_));
    target_ = Tensor::from_vector(target, Shape{n, widths_.back()}, device_);
    for (std::size_t l = 0; l < count; ++l) {
        const std::int64_t in = widths_[l], out = widths_[l + 1];
        const double bound = l == 0 ? 1.0 / static_cast<double>(in)
                                    : std::sqrt(6.0 / static_cast<double>(in)) / omega_;
        Layer layer;
        layer.w = random_tensor(Shape{out, in}, device_, static_cast<std::uint32_t>(11 + l), -bound, bound);
        layer.b = random_tensor(Shape{out}, device_, static_cast<std::uint32_t>(101 + l), -bound, bound);
        layer.dw = Tensor::zeros(Shape{out, in}, DType::f32, device_);
        layer.db = Tensor::zeros(Shape{out}, DType::f32, device_);
        layer.mw = Tensor::zeros(Shape{out, in}, DType::f32, device_);
        layer.vw = Tensor::zeros(Shape{out, in}, DType::f32, device_);
        layer.mb = Tensor::zeros(Shape{out}, DType::f32, device_);
        layer.vb = Tensor::zeros(Shape{out}, DType::f32, device_);
        layers_.push_back(std::move(layer));
        acts_.push_back(Tensor::zeros(Shape{n, out}, DType::f32, device_));
        if (l + 1 < count) dacts_.push_back(Tensor::zeros(Shape{n, out}, DType::f32, device_));
    }
    grads_.resize(count);  // grads_[l]: (N, widths[l]) = d loss / d acts_[l], for l >= 1
    for (std::size_t l = 1; l < count; ++l)
        grads_[l] = Tensor::zeros(Shape{n, widths_[l]}, DType::f32, device_);
    loss_ = Tensor::zeros(Shape{}, DType::f32, device_);
    grad_out_ = Tensor::zeros(Shape{n, widths_.back()}, DType::f32, device_);
    for (Layer& layer : layers_) {
        slots_.push_back({&layer.w, &layer.dw, &layer.mw, &layer.vw});
        slots_.push_back({&layer.b, &layer.db, &layer.mb, &layer.vb});
    }
}

void SirenStep::step() {
    const std::size_t count = layers_.size();
    for (std::size_t l = 0; l < count; ++l) {
        const bool sine = l + 1 < count;
        linear_act_forward(sine ? Activation::sine : Activation::identity, sine ? omega_ : 1.0,
                           acts_[l], layers_[l].w, &layers_[l].b, acts_[l + 1],
                           sine ? &dacts_[l] : nullptr);
    }
    mse_loss_grad(acts_[count], target_, loss_, &grad_out_);
    for (std::size_t l = count; l-- > 0;) {
        // dy of layer l is the dx of layer l + 1; the first layer's input needs no gradient.
        const Tensor& dy = l + 1 < count ? grads_[l + 1] : grad_out_;
        linear_act_backward(acts_[l], layers_[l].w, dy, l + 1 < count ? &dacts_[l] : nullptr,
                            l > 0 ? &grads_[l] : nullptr, layers_[l].dw, &layers_[l].db);
    }
    AdamParams params;
    params.lr = 1e-4;
    params.step = ++adam_step_;
    adam_update(slots_, params);
    device_->synchronize();
}

void SirenStep::gemms_only() {
    // The same products as step(), written to scratch outputs so that the real activations
    // and gradients (realistic magnitudes) stay the inputs.
    const std::size_t count = layers_.size();
    for (std::size_t l = 0; l < count; ++l)  // y (N, out) = x (N, in) W^T
        gemm(false, true, 1.0, acts_[l], layers_[l].w, 0.0, scratch(Shape{pixels_, widths_[l + 1]}));
    for (std::size_t l = count; l-- > 0;) {
        const Tensor& dy = l + 1 < count ? grads_[l + 1] : grad_out_;
        // dW (out, in) = g^T x; dx (N, in) = g W
        gemm(true, false, 1.0, dy, acts_[l], 0.0, scratch(layers_[l].w.shape()));
        if (l > 0) gemm(false, false, 1.0, dy, layers_[l].w, 0.0, scratch(Shape{pixels_, widths_[l]}));
    }
    device_->synchronize();
}

Tensor& SirenStep::scratch(const Shape& shape) {
    Tensor& t = scratch_[shape.dims()];
    if (!t.defined()) t = Tensor::zeros(shape, DType::f32, device_);
    return t;
}

double SirenStep::gemm_flops() const {
    // Per layer: forward and dW are N*in*out multiply-adds each; dx too except layer 0.
    double macs = 0;
    for (std::size_t l = 0; l + 1 < widths_.size(); ++l)
        macs += static_cast<double>(pixels_) * static_cast<double>(widths_[l] * widths_[l + 1]) *
                (l == 0 ? 2.0 : 3.0);
    return 2.0 * macs;
}

}  // namespace anvil::bench
