// Default implementations of the composite ops, built only from a device's primitives. They
// are the executable spec of each composite: a backend is complete without overriding them,
// and a fused override must compute the same thing (the conformance suite checks both).
#include <cmath>

#include "anvil/device.h"
#include "anvil/tensor.h"

namespace anvil {

namespace {
// Elementwise geometry for two operands of one shape.
BroadcastGeometry same_shape(const Tensor& t) {
    return broadcast_geometry("composite", t.shape(), t.shape());
}
}  // namespace

void Device::linear_act_forward(Activation act, double omega, const Tensor& x, const Tensor& w,
                                const Tensor* b, Tensor& y, Tensor* dact) {
    // y: (N, out) = x (N, in) @ w^T (in, out), then + b broadcast over rows.
    gemm(false, true, 1.0, x, w, 0.0, y);
    if (b) binary(BinaryOp::add, broadcast_geometry("linear", y.shape(), b->shape()), y, *b, y);
    switch (act) {
        case Activation::identity:
            if (dact) fill(*dact, 1.0);
            break;
        case Activation::sine:  // y = sin(omega z), dy/dz = omega cos(omega z)
            affine(y, omega, 0.0, y);
            if (dact) {
                unary(UnaryOp::cos, y, *dact);
                affine(*dact, omega, 0.0, *dact);
            }
            unary(UnaryOp::sin, y, y);
            break;
        case Activation::relu:  // dy/dz = step(z)
            if (dact) unary(UnaryOp::step, y, *dact);
            unary(UnaryOp::relu, y, y);
            break;
        case Activation::tanh:  // dy/dz = 1 - y^2
            unary(UnaryOp::tanh, y, y);
            if (dact) {
                unary(UnaryOp::square, y, *dact);
                affine(*dact, -1.0, 1.0, *dact);
            }
            break;
        case Activation::sigmoid:  // dy/dz = y (1 - y)
            unary(UnaryOp::sigmoid, y, y);
            if (dact) {
                affine(y, -1.0, 1.0, *dact);
                binary(BinaryOp::mul, same_shape(y), *dact, y, *dact);
            }
            break;
    }
}

void Device::linear_act_backward(const Tensor& x, const Tensor& w, const Tensor& dy,
                                 const Tensor* dact, Tensor* dx, Tensor& dw, Tensor* db) {
    // g: (N, out) = dy * dact, the gradient with respect to the pre-activation.
    Tensor g = dy;
    if (dact) {
        g = Tensor::empty(dy.shape(), dy.dtype(), dy.device_ptr());
        binary(BinaryOp::mul, same_shape(dy), dy, *dact, g);
    }
    const std::int64_t n = x.shape()[0];
    const std::int64_t out = w.shape()[0];
    if (n == 0) {  // no rows: the gradients of the parameters are zero
        fill(dw, 0.0);
        if (db) fill(*db, 0.0);
        return;
    }
    gemm(true, false, 1.0, g, x, 0.0, dw);                   // dw: (out, in) = g^T x
    if (db) reduce(ReduceOp::sum, ReduceGeometry{1, n, out}, g, *db);  // db: (out)
    if (dx) gemm(false, false, 1.0, g, w, 0.0, *dx);         // dx: (N, in) = g w
}

void Device::mse_loss_grad(const Tensor& pred, const Tensor& target, Tensor& loss, Tensor* grad) {
    const std::int64_t n = pred.numel();
    Tensor diff = Tensor::empty(pred.shape(), pred.dtype(), pred.device_ptr());
    binary(BinaryOp::sub, same_shape(pred), pred, target, diff);
    if (grad) affine(diff, 2.0 / static_cast<double>(n), 0.0, *grad);
    unary(UnaryOp::square, diff, diff);
    reduce(ReduceOp::mean, ReduceGeometry{1, n, 1}, diff, loss);
}

void Device::adam_update(std::span<const AdamSlot> slots, const AdamParams& p) {
    const double c1 = 1.0 / (1.0 - std::pow(p.beta1, static_cast<double>(p.step)));
    const double c2 = 1.0 / (1.0 - std::pow(p.beta2, static_cast<double>(p.step)));
    for (const AdamSlot& s : slots) {
        if (s.param->numel() == 0) continue;
        const BroadcastGeometry g = same_shape(*s.param);
        Tensor t1 = Tensor::empty(s.param->shape(), s.param->dtype(), s.param->device_ptr());
        Tensor t2 = Tensor::empty(s.param->shape(), s.param->dtype(), s.param->device_ptr());
        // m = b1 m + (1 - b1) grad
        affine(*s.m, p.beta1, 0.0, *s.m);
        affine(*s.grad, 1.0 - p.beta1, 0.0, t1);
        binary(BinaryOp::add, g, *s.m, t1, *s.m);
        // v = b2 v + (1 - b2) grad^2
        unary(UnaryOp::square, *s.grad, t1);
        affine(t1, 1.0 - p.beta2, 0.0, t1);
        affine(*s.v, p.beta2, 0.0, *s.v);
        binary(BinaryOp::add, g, *s.v, t1, *s.v);
        // p -= lr * (m c1) / (sqrt(v c2) + eps)
        affine(*s.v, c2, 0.0, t1);
        unary(UnaryOp::sqrt, t1, t1);
        affine(t1, 1.0, p.eps, t1);
        affine(*s.m, c1, 0.0, t2);
        binary(BinaryOp::div, g, t2, t1, t2);
        affine(t2, -p.lr, 0.0, t2);
        binary(BinaryOp::add, g, *s.param, t2, *s.param);
    }
}

void Device::sgd_update(std::span<const SgdSlot> slots, const SgdParams& p) {
    for (const SgdSlot& s : slots) {
        if (s.param->numel() == 0) continue;
        const BroadcastGeometry g = same_shape(*s.param);
        Tensor step = Tensor::empty(s.param->shape(), s.param->dtype(), s.param->device_ptr());
        if (p.momentum != 0.0) {  // v = momentum v + grad; p -= lr v
            affine(*s.velocity, p.momentum, 0.0, *s.velocity);
            binary(BinaryOp::add, g, *s.velocity, *s.grad, *s.velocity);
            affine(*s.velocity, -p.lr, 0.0, step);
        } else {
            affine(*s.grad, -p.lr, 0.0, step);
        }
        binary(BinaryOp::add, g, *s.param, step, *s.param);
    }
}

}  // namespace anvil
