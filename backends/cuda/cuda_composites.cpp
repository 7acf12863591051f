// CudaDevice's composite ops: cuBLAS GEMMs plus the fused kernels of composites.cu, computing
// what the core defaults (core/src/device_composites.cpp) compute, in fewer passes.
#include <cmath>
#include <vector>

#include "anvil/tensor.h"
#include "cuda_device.h"

namespace anvil::cuda {

void CudaDevice::linear_act_forward(Activation act, double omega, const Tensor& x,
                                    const Tensor& w, const Tensor* b, Tensor& y, Tensor* dact) {
    const char* op = "linear_act_forward";
    const std::int64_t rows = x.shape()[0], in = x.shape()[1], out = w.shape()[0];
    void* dact_data = dact ? dact->data() : nullptr;
    const void* bias = b ? b->data() : nullptr;
    if (in > 0 && in <= kMaxSmallIn) {
        // Few inputs (SIREN's coordinates): one pass computes the product too, instead of a
        // GEMM writing y for the activation pass to read back.
        launch_linear_activation(activate(op), act, x.dtype(), omega, x.data(), w.data(),
                                 static_cast<int>(in), y.data(), dact_data, bias, rows, out);
    } else {
        // y: (N, out) = x (N, in) @ w^T, then one pass for bias, activation and derivative.
        gemm_rows(op, x.dtype(), false, true, rows, out, in, 1.0, x.data(), w.data(), 0.0,
                  y.data());
        launch_bias_activation(activate(op), act, x.dtype(), omega, y.data(), dact_data, bias,
                               rows, out);
    }
    finish(op);
}

void CudaDevice::linear_act_backward(const Tensor& x, const Tensor& w, const Tensor& dy,
                                     const Tensor* dact, Tensor* dx, Tensor& dw, Tensor* db) {
    const char* op = "linear_act_backward";
    const DType dtype = x.dtype();
    const std::int64_t rows = x.shape()[0], in = x.shape()[1], out = w.shape()[0];
    const KernelContext& ctx = activate(op);
    if (rows == 0) {  // no rows: the parameter gradients are zero (dx is empty)
        launch_fill(ctx, dtype, dw.data(), dw.numel(), 0.0);
        if (db) launch_fill(ctx, dtype, db->data(), db->numel(), 0.0);
        finish(op);
        return;
    }
    // g: (N, out) = dy * dact, the gradient with respect to the pre-activation.
    Tensor g = dy;
    if (dact) {
        g = Tensor::empty(dy.shape(), dtype, shared_from_this());
        launch_binary(ctx, BinaryOp::mul, dtype, broadcast_geometry(op, dy.shape(), dy.shape()),
                      dy.data(), dact->data(), g.data());
    }
    // dw: (out, in) = g^T x
    gemm_rows(op, dtype, true, false, out, in, rows, 1.0, g.data(), x.data(), 0.0, dw.data());
    // db: (1, out) = ones (1, N) @ g: the column sums of g as a GEMM, read row by row.
    if (db) gemm_rows(op, dtype, false, false, 1, out, rows, 1.0, ones(dtype, rows), g.data(), 0.0,
                      db->data());
    // dx: (N, in) = g w
    if (dx) gemm_rows(op, dtype, false, false, rows, in, out, 1.0, g.data(), w.data(), 0.0,
                      dx->data());
    finish(op);
}

void CudaDevice::mse_loss_grad(const Tensor& pred, const Tensor& target, Tensor& loss,
                               Tensor* grad) {
    const char* op = "mse_loss_grad";
    const KernelContext& ctx = activate(op);
    const std::int64_t n = pred.numel();
    // The loss first: grad may alias pred or target.
    launch_squared_error_mean(ctx, pred.dtype(), pred.data(), target.data(), loss.data(), n);
    if (grad) launch_mse_grad(ctx, pred.dtype(), pred.data(), target.data(), grad->data(), n);
    finish(op);
}

void CudaDevice::adam_update(std::span<const AdamSlot> slots, const AdamParams& p) {
    const KernelContext& ctx = activate("adam_update");
    const AdamStepParams k{p.lr, p.beta1, p.beta2, p.eps, p.step};
    // All tensors of one dtype in as few launches as possible (a model's are all one dtype).
    for (DType dtype : {DType::f32, DType::f64}) {
        std::vector<AdamTensor> tensors;
        for (const AdamSlot& s : slots)
            if (s.param->dtype() == dtype)
                tensors.push_back({s.param->data(), s.grad->data(), s.m->data(), s.v->data(),
                                   s.param->numel()});
        if (!tensors.empty()) launch_adam_steps(ctx, dtype, tensors.data(), tensors.size(), k);
    }
    finish("adam_update");
}

void CudaDevice::sgd_update(std::span<const SgdSlot> slots, const SgdParams& p) {
    const KernelContext& ctx = activate("sgd_update");
    for (const SgdSlot& s : slots)
        launch_sgd_step(ctx, s.param->dtype(), s.param->data(), s.grad->data(),
                        s.velocity ? s.velocity->data() : nullptr, s.param->numel(), p.lr,
                        p.momentum);
    finish("sgd_update");
}

}  // namespace anvil::cuda
