// OpenclDevice's composite ops: the tiled GEMM plus the fused kernels of
// kernels/composites.cl, computing what the core defaults (core/src/device_composites.cpp)
// compute in fewer passes. SGD keeps the core default (no training loop here uses it).
#include <cmath>

#include "anvil/dispatch.h"
#include "common/elementwise.h"
#include "kernel_source.h"
#include "opencl_device.h"

namespace anvil::opencl {

namespace {
// Layers with at most this many inputs compute their product in the activation kernel.
constexpr std::int64_t kMaxSmallIn = 4;
}  // namespace

void OpenclDevice::linear_act_forward(Activation act, double omega, const Tensor& x,
                                      const Tensor& w, const Tensor* b, Tensor& y, Tensor* dact) {
    const char* op = "linear_act_forward";
    const DType dtype = x.dtype();
    const std::int64_t rows = x.shape()[0], in = x.shape()[1], out = w.shape()[0];
    const std::int64_t n = rows * out;
    const cl_int act_id = static_cast<cl_int>(act), has_bias = b ? 1 : 0, has_dact = dact ? 1 : 0;
    dispatch_float(op, dtype, [&](auto zero) {
        using T = decltype(zero);
        const T w0 = static_cast<T>(omega);
        if (in > 0 && in <= kMaxSmallIn) {
            run(op, dtype, "small_linear_activation", static_cast<std::size_t>(n), 0, mem(x),
                mem(w), static_cast<cl_int>(in), mem(y), mem(dact), mem(b),
                static_cast<cl_long>(n), static_cast<cl_long>(out), act_id, w0, has_bias,
                has_dact);
            return;
        }
        // y: (N, out) = x (N, in) @ w^T, then one pass for bias, activation and derivative.
        gemm_buffers(op, dtype, false, true, rows, out, in, 1.0, mem(x), mem(w), 0.0, mem(y));
        run(op, dtype, "bias_activation", static_cast<std::size_t>(n), 0, mem(y), mem(dact),
            mem(b), static_cast<cl_long>(n), static_cast<cl_long>(out), act_id, w0, has_bias,
            has_dact);
    });
}

void OpenclDevice::linear_act_backward(const Tensor& x, const Tensor& w, const Tensor& dy,
                                       const Tensor* dact, Tensor* dx, Tensor& dw, Tensor* db) {
    const char* op = "linear_act_backward";
    const DType dtype = x.dtype();
    const std::int64_t rows = x.shape()[0], in = x.shape()[1], out = w.shape()[0];
    if (rows == 0) {  // no rows: the parameter gradients are zero (dx is empty)
        fill(dw, 0.0);
        if (db) fill(*db, 0.0);
        return;
    }
    // g: (N, out) = dy * dact, the gradient with respect to the pre-activation.
    Tensor g = dy;
    if (dact) {
        g = Tensor::empty(dy.shape(), dtype, shared_from_this());
        binary(BinaryOp::mul, broadcast_geometry(op, dy.shape(), dy.shape()), dy, *dact, g);
    }
    // dw: (out, in) = g^T x
    gemm_buffers(op, dtype, true, false, out, in, rows, 1.0, mem(g), mem(x), 0.0, mem(dw));
    // db: (out) = column sums of g, a reduction over axis 0 of (N, out).
    if (db)
        reduce_buffers(op, dtype, static_cast<int>(ReduceKind::sum), ReduceGeometry{1, rows, out},
                       mem(g), mem(*db), false, 1.0);
    // dx: (N, in) = g w
    if (dx) gemm_buffers(op, dtype, false, false, rows, in, out, 1.0, mem(g), mem(w), 0.0, mem(*dx));
}

void OpenclDevice::mse_loss_grad(const Tensor& pred, const Tensor& target, Tensor& loss,
                                 Tensor* grad) {
    const char* op = "mse_loss_grad";
    const DType dtype = pred.dtype();
    const std::int64_t n = pred.numel();
    // The loss first (the queue is in order): grad may alias pred or target.
    if (n == 0) {
        fill(loss, std::nan(""));  // the mean of no elements
    } else {
        const std::int64_t chunk = 4096;
        const std::int64_t groups = (n + chunk - 1) / chunk;
        const Tensor partials = Tensor::empty(Shape{groups}, dtype, shared_from_this());
        const std::size_t local = 256;
        run(op, dtype, "squared_error_partials", static_cast<std::size_t>(groups) * local, local,
            mem(pred), mem(target), mem(partials), static_cast<cl_long>(n),
            static_cast<cl_long>(chunk));
        reduce_buffers(op, dtype, static_cast<int>(ReduceKind::sum), ReduceGeometry{1, groups, 1},
                       mem(partials), mem(loss), true, static_cast<double>(n));
    }
    if (!grad) return;
    dispatch_float(op, dtype, [&](auto zero) {
        using T = decltype(zero);
        run(op, dtype, "mse_grad", static_cast<std::size_t>(n), 0, mem(pred), mem(target),
            mem(*grad), static_cast<cl_long>(n), static_cast<T>(2.0 / static_cast<double>(n)));
    });
}

void OpenclDevice::adam_update(std::span<const AdamSlot> slots, const AdamParams& p) {
    for (const AdamSlot& s : slots) {
        const DType dtype = s.param->dtype();
        dispatch_float("adam_update", dtype, [&](auto zero) {
            using T = decltype(zero);
            // In double, then rounded once (common/elementwise.h says why).
            const auto k = common::adam_coefficients<T>(p.lr, p.beta1, p.beta2, p.eps, p.step);
            run("adam_update", dtype, "adam_step", static_cast<std::size_t>(s.param->numel()), 0,
                mem(*s.param), mem(*s.grad), mem(*s.m), mem(*s.v),
                static_cast<cl_long>(s.param->numel()), k.lr, k.beta1, k.beta2,
                k.one_minus_beta1, k.one_minus_beta2, k.eps, k.c1, k.c2);
        });
    }
}

}  // namespace anvil::opencl
