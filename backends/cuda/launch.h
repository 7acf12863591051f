// The kernel launchers of the CUDA backend, on raw device pointers of one dtype. Each group
// lives in the .cu file named in its comment; every launcher only enqueues work on
// ctx.stream (nothing waits), launches nothing for zero elements, and checks the launch.
#pragma once

#include <cstddef>
#include <cstdint>

#include <cuda_runtime_api.h>

#include "anvil/dtype.h"
#include "anvil/op.h"
#include "common/elementwise.h"

namespace anvil::cuda {

// Threads per block of the grid-stride kernels.
constexpr int kBlockSize = 256;

// Where and how to launch: the device's stream, its index (for messages) and the most blocks
// a grid-stride loop uses (enough to fill every SM).
struct KernelContext {
    cudaStream_t stream = nullptr;
    int device = 0;
    int max_blocks = 1;
};

// --- elementwise.cu (x, out: n elements; out may alias x) ---------------------------------
// dtype f32, f64 or i64 (value converted to the element type).
void launch_fill(const KernelContext& ctx, DType dtype, void* out, std::int64_t n, double value);
void launch_unary(const KernelContext& ctx, UnaryOp op, DType dtype, const void* x, void* out,
                  std::int64_t n);
void launch_clip(const KernelContext& ctx, DType dtype, const void* x, void* out, std::int64_t n,
                 double lo, double hi);
// out = a * x + b
void launch_affine(const KernelContext& ctx, DType dtype, const void* x, void* out,
                   std::int64_t n, double a, double b);
// Throws a clear error when this build has no kernel image the device can run.
void check_kernel_image(const KernelContext& ctx, const char* device_label);

// --- binary.cu: out (geometry.numel) = a op b under NumPy broadcasting ----------------------
void launch_binary(const KernelContext& ctx, BinaryOp op, DType dtype,
                   const BroadcastGeometry& geometry, const void* a, const void* b, void* out);

// --- reduce.cu (CUB) -------------------------------------------------------------------------
// x: (outer, length, inner) -> out: (outer, inner). mean of length 0 is NaN.
void launch_reduce(const KernelContext& ctx, ReduceOp op, DType dtype,
                   const ReduceGeometry& geometry, const void* x, void* out);
// out: (outer, inner) i64, the first index of the maximum along length (NaN counts as max).
void launch_argmax(const KernelContext& ctx, DType dtype, const ReduceGeometry& geometry,
                   const void* x, std::int64_t* out);
// loss (one element) = mean((pred - target)^2) over n > 0 elements.
void launch_squared_error_mean(const KernelContext& ctx, DType dtype, const void* pred,
                               const void* target, void* loss, std::int64_t n);

// --- transpose.cu: x (rows, cols) -> out (cols, rows) ----------------------------------------
void launch_transpose2d(const KernelContext& ctx, DType dtype, const void* x, void* out,
                        std::int64_t rows, std::int64_t cols);

// --- composites.cu ---------------------------------------------------------------------------
// y: (rows, cols) holds x w^T on entry; y = act(omega * (y + bias)), dact (rows, cols) =
// d act / d(y + bias) when not null. bias: (cols) or null.
void launch_bias_activation(const KernelContext& ctx, Activation act, DType dtype, double omega,
                            void* y, void* dact, const void* bias, std::int64_t rows,
                            std::int64_t cols);
// The same with the product computed in the kernel, for layers with few inputs (SIREN's first
// layer has 2), where a GEMM would write y only for the next pass to read it back:
// x: (rows, in), w: (cols, in), in <= kMaxSmallIn; y: (rows, cols) is only written.
constexpr int kMaxSmallIn = 4;
void launch_linear_activation(const KernelContext& ctx, Activation act, DType dtype,
                              double omega, const void* x, const void* w, int in, void* y,
                              void* dact, const void* bias, std::int64_t rows,
                              std::int64_t cols);
// grad (n) = 2 (pred - target) / n
void launch_mse_grad(const KernelContext& ctx, DType dtype, const void* pred, const void* target,
                     void* grad, std::int64_t n);
// anvil::AdamParams restated for the C++17 .cu files (device.h needs C++20).
struct AdamStepParams {
    double lr, beta1, beta2, eps;
    std::int64_t step;
};
// One Adam step (common::adam_step) over each of `count` parameter tensors, several per launch.
struct AdamTensor {
    void* param;
    const void* grad;
    void* m;
    void* v;
    std::int64_t n;
};
constexpr int kAdamTensorsPerLaunch = 24;
void launch_adam_steps(const KernelContext& ctx, DType dtype, const AdamTensor* tensors,
                       std::size_t count, const AdamStepParams& k);
// momentum != 0: velocity = momentum velocity + grad, param -= lr velocity;
// momentum == 0: param -= lr grad (velocity unused, may be null).
void launch_sgd_step(const KernelContext& ctx, DType dtype, void* param, const void* grad,
                     void* velocity, std::int64_t n, double lr, double momentum);

}  // namespace anvil::cuda
