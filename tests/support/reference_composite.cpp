// Float64 reference of the composite ops (linear + activation forward and backward, MSE with
// its gradient, Adam and SGD steps), written from the formulas in anvil/device.h.
#include <cmath>
#include <stdexcept>

#include "support/reference.h"

namespace anvil::test::ref {

namespace {
// y = act(s) and dy/dz for pre-activation z (s = omega z for sine, z otherwise).
void activate(Activation act, double omega, double z, double& y, double& dy_dz) {
    switch (act) {
        case Activation::identity:
            y = z;
            dy_dz = 1.0;
            return;
        case Activation::sine:
            y = std::sin(omega * z);
            dy_dz = omega * std::cos(omega * z);
            return;
        case Activation::relu:
            y = unary(UnaryOp::relu, z);
            dy_dz = unary(UnaryOp::step, z);
            return;
        case Activation::tanh:
            y = std::tanh(z);
            dy_dz = 1.0 - y * y;
            return;
        case Activation::sigmoid:
            y = unary(UnaryOp::sigmoid, z);
            dy_dz = y * (1.0 - y);
            return;
    }
    throw std::invalid_argument("[ref::linear_act_forward] unknown activation");
}
}  // namespace

LinearForward linear_act_forward(Activation act, double omega, const HostTensor& x,
                                 const HostTensor& w, const HostTensor* b) {
    const std::int64_t n = x.shape[0], in = x.shape[1], out = w.shape[0];
    if (w.shape[1] != in) throw std::invalid_argument("[ref::linear_act_forward] in differs");
    LinearForward r{HostTensor(Shape{n, out}), HostTensor(Shape{n, out}), HostTensor(Shape{n, out}),
                    HostTensor(Shape{n, out})};
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t j = 0; j < out; ++j) {
            double z = b ? (*b)[j] : 0.0;
            double mag = b ? std::fabs((*b)[j]) : 0.0;
            for (std::int64_t k = 0; k < in; ++k) {
                z += x.at(i, k) * w.at(j, k);
                mag += std::fabs(x.at(i, k) * w.at(j, k));
            }
            r.z.at(i, j) = z;
            r.magnitude.at(i, j) = mag;
            activate(act, omega, z, r.y.at(i, j), r.dact.at(i, j));
        }
    }
    return r;
}

LinearBackward linear_act_backward(const HostTensor& x, const HostTensor& w, const HostTensor& dy,
                                   const HostTensor* dact) {
    const std::int64_t n = x.shape[0], in = x.shape[1], out = w.shape[0];
    LinearBackward r{HostTensor(dy.shape), HostTensor(x.shape), HostTensor(w.shape),
                     HostTensor(Shape{out})};
    for (std::int64_t i = 0; i < dy.numel(); ++i) r.g[i] = dy[i] * (dact ? (*dact)[i] : 1.0);
    for (std::int64_t j = 0; j < out; ++j) {
        for (std::int64_t k = 0; k < in; ++k) {
            double acc = 0.0;
            for (std::int64_t i = 0; i < n; ++i) acc += r.g.at(i, j) * x.at(i, k);
            r.dw.at(j, k) = acc;
        }
        double acc = 0.0;
        for (std::int64_t i = 0; i < n; ++i) acc += r.g.at(i, j);
        r.db[j] = acc;
    }
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t k = 0; k < in; ++k) {
            double acc = 0.0;
            for (std::int64_t j = 0; j < out; ++j) acc += r.g.at(i, j) * w.at(j, k);
            r.dx.at(i, k) = acc;
        }
    }
    return r;
}

MseResult mse_loss_grad(const HostTensor& pred, const HostTensor& target) {
    if (pred.shape != target.shape) throw std::invalid_argument("[ref::mse] shapes differ");
    MseResult r{0.0, HostTensor(pred.shape)};
    const double count = static_cast<double>(pred.numel());
    double acc = 0.0;
    for (std::int64_t i = 0; i < pred.numel(); ++i) {
        const double d = pred[i] - target[i];
        acc += d * d;
        r.grad[i] = 2.0 * d / count;
    }
    r.loss = acc / count;
    return r;
}

void adam_update(HostTensor& param, const HostTensor& grad, HostTensor& m, HostTensor& v,
                 const AdamParams& p) {
    const double t = static_cast<double>(p.step);
    const double correction1 = 1.0 - std::pow(p.beta1, t);
    const double correction2 = 1.0 - std::pow(p.beta2, t);
    for (std::int64_t i = 0; i < param.numel(); ++i) {
        m[i] = p.beta1 * m[i] + (1.0 - p.beta1) * grad[i];
        v[i] = p.beta2 * v[i] + (1.0 - p.beta2) * grad[i] * grad[i];
        const double m_hat = m[i] / correction1;
        const double v_hat = v[i] / correction2;
        param[i] -= p.lr * m_hat / (std::sqrt(v_hat) + p.eps);
    }
}

void sgd_update(HostTensor& param, const HostTensor& grad, HostTensor* velocity,
                const SgdParams& p) {
    // Without momentum the velocity is not touched (the core's default leaves it alone).
    if (p.momentum != 0.0 && !velocity)
        throw std::invalid_argument("[ref::sgd_update] momentum needs a velocity");
    for (std::int64_t i = 0; i < param.numel(); ++i) {
        if (p.momentum != 0.0) {
            (*velocity)[i] = p.momentum * (*velocity)[i] + grad[i];
            param[i] -= p.lr * (*velocity)[i];
        } else {
            param[i] -= p.lr * grad[i];
        }
    }
}

}  // namespace anvil::test::ref
