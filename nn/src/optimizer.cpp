// SGD with momentum and bias-corrected Adam over a fixed parameter list. The slot arrays for the
// core composites are built once, so a step allocates nothing in anvil::nn.
#include "anvil/nn/optimizer.h"

#include <cmath>
#include <cstdio>

#include "anvil/error.h"
#include "anvil/ops.h"
#include "internal.h"

namespace anvil::nn {

namespace {
[[noreturn]] void optimizer_error(const std::string& what) { throw Error("[optimizer] " + what); }

void require_unit_interval(const char* name, double value) {
    if (!(value >= 0.0 && value < 1.0))
        optimizer_error(std::string(name) + " must lie in [0, 1), got " + exact_double(value));
}
}  // namespace

std::string exact_double(double value) {
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.17g", value);
    return buf;
}

const char* optimizer_name(OptimizerKind kind) {
    return kind == OptimizerKind::sgd ? "sgd" : "adam";
}

OptimizerKind parse_optimizer(const std::string& name) {
    const std::string lower = detail::lower_ascii(name);
    if (lower == "sgd") return OptimizerKind::sgd;
    if (lower == "adam") return OptimizerKind::adam;
    optimizer_error("unknown optimizer '" + name + "' (expected sgd or adam)");
}

Optimizer::Optimizer(std::vector<Parameter> params) : params_(std::move(params)) {
    if (params_.empty()) optimizer_error("no parameters to optimise");
    for (const Parameter& p : params_) {
        if (!p.value || !p.grad || !p.value->defined() || !p.grad->defined())
            optimizer_error("parameter '" + p.name + "' lacks a value or a gradient tensor");
        if (p.grad->shape() != p.value->shape() || p.grad->dtype() != p.value->dtype() ||
            &p.grad->device() != &p.value->device())
            optimizer_error("gradient of '" + p.name + "' is " + p.grad->describe() +
                            ", its parameter " + p.value->describe());
    }
}

Optimizer::~Optimizer() = default;

void Optimizer::set_steps(std::int64_t steps) {
    if (steps < 0) optimizer_error("step count must be >= 0, got " + std::to_string(steps));
    steps_ = steps;
}

std::vector<Tensor> Optimizer::zeros_like_params() const {
    std::vector<Tensor> out;
    out.reserve(params_.size());
    for (const Parameter& p : params_)
        out.push_back(Tensor::zeros(p.value->shape(), p.value->dtype(), p.value->device_ptr()));
    return out;
}

Sgd::Sgd(std::vector<Parameter> params, double momentum)
    : Optimizer(std::move(params)), momentum_(momentum) {
    require_unit_interval("sgd momentum", momentum);
    if (momentum_ != 0.0) velocity_ = zeros_like_params();
    for (std::size_t i = 0; i < params_.size(); ++i) {
        Tensor* velocity = velocity_.empty() ? nullptr : &velocity_[i];
        slots_.push_back({params_[i].value, params_[i].grad, velocity});
        if (velocity) state_.push_back({params_[i].name + ".velocity", velocity});
    }
}

void Sgd::step(double lr) {
    sgd_update(slots_, SgdParams{lr, momentum_});
    ++steps_;
}

std::map<std::string, std::string> Sgd::hyperparameters() const {
    return {{"momentum", exact_double(momentum_)}};
}

Adam::Adam(std::vector<Parameter> params, double beta1, double beta2, double eps)
    : Optimizer(std::move(params)), beta1_(beta1), beta2_(beta2), eps_(eps) {
    require_unit_interval("adam beta1", beta1);
    require_unit_interval("adam beta2", beta2);
    if (!(std::isfinite(eps) && eps > 0.0))
        optimizer_error("adam eps must be a finite number > 0, got " + exact_double(eps));
    m_ = zeros_like_params();
    v_ = zeros_like_params();
    for (std::size_t i = 0; i < params_.size(); ++i) {
        slots_.push_back({params_[i].value, params_[i].grad, &m_[i], &v_[i]});
        state_.push_back({params_[i].name + ".m", &m_[i]});
        state_.push_back({params_[i].name + ".v", &v_[i]});
    }
}

void Adam::step(double lr) {
    adam_update(slots_, AdamParams{lr, beta1_, beta2_, eps_, steps_ + 1});
    ++steps_;
}

std::map<std::string, std::string> Adam::hyperparameters() const {
    return {{"beta1", exact_double(beta1_)},
            {"beta2", exact_double(beta2_)},
            {"eps", exact_double(eps_)}};
}

std::unique_ptr<Optimizer> make_optimizer(OptimizerKind kind, std::vector<Parameter> params,
                                          const OptimizerOptions& options) {
    if (kind == OptimizerKind::sgd)
        return std::make_unique<Sgd>(std::move(params), options.momentum);
    return std::make_unique<Adam>(std::move(params), options.beta1, options.beta2, options.eps);
}

}  // namespace anvil::nn
