// The sequential MLP: layer layout from MlpConfig, seeded initialisation, and the forward and
// backward passes over a reusable MlpContext workspace.
#include "anvil/nn/mlp.h"

#include <cmath>
#include <sstream>

#include "anvil/device.h"
#include "anvil/error.h"
#include "internal.h"

namespace anvil::nn {

namespace {
// Checkpoint names: "layers.<i>.weight" / "layers.<i>.bias".
std::string param_name(std::size_t layer, const char* part) {
    return "layers." + std::to_string(layer) + "." + part;
}

[[noreturn]] void config_error(const std::string& what) { throw Error("[mlp] " + what); }

void require_positive(const char* field, std::int64_t value) {
    if (value <= 0) config_error(std::string(field) + " must be > 0, got " + std::to_string(value));
}

void require_omega(const char* field, double value) {
    if (!(std::isfinite(value) && value > 0.0))
        config_error(std::string(field) + " must be a finite number > 0, got " +
                     detail::format_number(value));
}
}  // namespace

void MlpConfig::validate() const {
    require_positive("in_features", in_features);
    require_positive("out_features", out_features);
    require_positive("hidden", hidden);
    require_positive("hidden_layers", hidden_layers);
    if (activation == Activation::sine) {
        require_omega("omega0", omega0);
        require_omega("first_omega0", first_omega0);
    }
}

std::string MlpConfig::describe() const {
    std::ostringstream out;
    out << in_features << " -> " << hidden_layers << "x" << hidden << " "
        << activation_name(activation);
    if (activation == Activation::sine)
        out << "(omega0=" << omega0 << ", first " << first_omega0 << ")";
    out << " -> " << out_features;
    if (sigmoid_head) out << " sigmoid";
    if (!bias) out << ", no bias";
    return out.str();
}

InitKind MlpConfig::default_init() const {
    switch (activation) {
        case Activation::sine:
            return InitKind::siren;
        case Activation::relu:
            return InitKind::he_normal;
        default:
            return InitKind::xavier_uniform;
    }
}

std::int64_t MlpConfig::parameter_count() const {
    const std::int64_t b = bias ? 1 : 0;
    return (in_features + b) * hidden + (hidden_layers - 1) * (hidden + b) * hidden +
           (hidden + b) * out_features;
}

std::size_t MlpConfig::workspace_bytes_per_sample(bool training, DType dtype) const {
    // Mirrors what forward and backward allocate per row of the batch.
    std::int64_t elements = hidden_layers * hidden + out_features;  // outputs_
    if (training) {
        if (activation != Activation::identity) elements += hidden_layers * hidden;  // dacts_
        if (sigmoid_head) elements += out_features;  // the head's dact (identity keeps none)
        elements += 2 * hidden;                      // grad_ping_pong_
    }
    return static_cast<std::size_t>(elements) * dtype_size(dtype);
}

const Tensor& MlpContext::output() const {
    if (outputs_.empty()) throw Error("[mlp] the context holds no output: run forward first");
    return outputs_.back();
}

std::size_t MlpContext::workspace_bytes() const {
    std::size_t total = 0;
    for (const Tensor& t : outputs_) total += t.defined() ? t.nbytes() : 0;
    for (const Tensor& t : dacts_) total += t.defined() ? t.nbytes() : 0;
    for (const Tensor& t : grad_ping_pong_) total += t.defined() ? t.nbytes() : 0;
    return total;
}

Mlp::Mlp(const MlpConfig& config, const std::shared_ptr<Device>& device, DType dtype)
    : config_(config), device_(device), dtype_(dtype) {
    config_.validate();
    if (!device) config_error("no device given");
    const ActivationFn hidden_act = config.activation == Activation::sine
                                        ? Sine(config.omega0)
                                        : ActivationFn{config.activation, 1.0};
    const ActivationFn first_act =
        config.activation == Activation::sine ? Sine(config.first_omega0) : hidden_act;
    const ActivationFn head = config.sigmoid_head ? Sigmoid() : Identity();
    layers_.reserve(static_cast<std::size_t>(config.hidden_layers + 1));
    layers_.emplace_back(config.in_features, config.hidden, first_act, config.bias, device, dtype);
    for (std::int64_t i = 1; i < config.hidden_layers; ++i)
        layers_.emplace_back(config.hidden, config.hidden, hidden_act, config.bias, device, dtype);
    layers_.emplace_back(config.hidden, config.out_features, head, config.bias, device, dtype);
}

void Mlp::initialize(std::uint64_t seed) { initialize(seed, config_.default_init()); }

void Mlp::initialize(std::uint64_t seed, InitKind init, double scale) {
    Rng rng(seed);
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        InitSpec spec;
        spec.kind = init;
        spec.scale = scale;
        spec.first_layer = i == 0;
        // The SIREN reference initialises the linear output layer like a hidden sine layer.
        spec.omega0 = config_.activation == Activation::sine ? config_.omega0 : 1.0;
        layers_[i].initialize(rng, spec);
    }
}

const Tensor& Mlp::forward(const Tensor& x, MlpContext& ctx, bool training) const {
    if (!x.defined()) config_error("forward of an undefined tensor");
    if (x.rank() != 2 || x.shape()[1] != config_.in_features)
        config_error("input x must be (N, " + std::to_string(config_.in_features) + "), got " +
                     x.shape().to_string());
    const std::int64_t n = x.shape()[0];
    if (ctx.owner_ != this || ctx.batch_ != n) {
        // First pass, another model or another batch size: shape the workspace anew.
        ctx = MlpContext();
        ctx.owner_ = this;
        ctx.batch_ = n;
        ctx.outputs_.resize(layers_.size());
        ctx.dacts_.resize(layers_.size());
        for (std::size_t i = 0; i < layers_.size(); ++i)
            ctx.outputs_[i] = Tensor::empty(Shape{n, layers_[i].out_features()}, dtype_, device_);
    }
    ctx.input_ = x;
    ctx.training_ = training;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        const Tensor& input = i == 0 ? x : ctx.outputs_[i - 1];
        Tensor* dact = nullptr;
        if (training && layers_[i].needs_dact()) {
            if (!ctx.dacts_[i].defined())  // allocated by the first training pass only
                ctx.dacts_[i] = Tensor::empty(Shape{n, layers_[i].out_features()}, dtype_, device_);
            dact = &ctx.dacts_[i];
        }
        layers_[i].forward(input, ctx.outputs_[i], dact);
    }
    return ctx.outputs_.back();
}

void Mlp::backward(MlpContext& ctx, const Tensor& dy) {
    if (ctx.owner_ != this || !ctx.training_)
        config_error("backward needs a context filled by this model's forward(x, ctx, true)");
    const std::int64_t n = ctx.batch_;
    if (!dy.defined() || dy.shape() != Shape{n, config_.out_features})
        config_error("gradient dy must be (" + std::to_string(n) + ", " +
                     std::to_string(config_.out_features) + ") like the output, got " +
                     (dy.defined() ? dy.shape().to_string() : std::string("undefined")));
    for (Tensor& buffer : ctx.grad_ping_pong_)
        if (!buffer.defined()) buffer = Tensor::empty(Shape{n, config_.hidden}, dtype_, device_);
    // Layer i reads its dy from the buffer layer i + 1 wrote (or the caller's dy) and writes
    // its dx into the other one, so two (N, H) buffers serve any depth.
    for (std::size_t i = layers_.size(); i-- > 0;) {
        const Tensor& input = i == 0 ? ctx.input_ : ctx.outputs_[i - 1];
        const Tensor& grad_out = i + 1 == layers_.size() ? dy : ctx.grad_ping_pong_[(i + 1) % 2];
        Tensor* grad_in = i == 0 ? nullptr : &ctx.grad_ping_pong_[i % 2];
        const Tensor* dact = layers_[i].needs_dact() ? &ctx.dacts_[i] : nullptr;
        layers_[i].backward(input, grad_out, dact, grad_in);
    }
}

std::int64_t Mlp::parameter_count() const {
    std::int64_t total = 0;
    for (const Linear& layer : layers_) total += layer.parameter_count();
    return total;
}

std::vector<Parameter> Mlp::parameters() {
    std::vector<Parameter> params;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        Linear& layer = layers_[i];
        params.push_back({param_name(i, "weight"), &layer.weight(), &layer.weight_grad()});
        if (layer.has_bias())
            params.push_back({param_name(i, "bias"), &layer.bias(), &layer.bias_grad()});
    }
    return params;
}

std::vector<std::pair<std::string, const Tensor*>> Mlp::named_parameters() const {
    std::vector<std::pair<std::string, const Tensor*>> out;
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        out.emplace_back(param_name(i, "weight"), &layers_[i].weight());
        if (layers_[i].has_bias()) out.emplace_back(param_name(i, "bias"), &layers_[i].bias());
    }
    return out;
}

}  // namespace anvil::nn
