// Fused kernels of the composite ops: bias + activation (+ its derivative) after the forward
// GEMM, the MSE gradient, and one Adam or SGD step per parameter. Each computes the same
// element math as the core defaults (core/src/device_composites.cpp) in one pass.
#include "anvil/error.h"
#include "grid.cuh"

namespace anvil::cuda {

namespace {

// y: (rows, cols) = x w^T on entry. Threads are laid out as (column unit, row): blockDim.x
// across a row's units, blockDim.y across rows, rows visited grid-stride, so each thread knows
// its bias column without dividing. A unit is one element, or with Packed a 16-byte pack
// (cols a multiple of kPack<T>, every pointer aligned).
template <typename T, Activation Act, bool Packed>
__global__ void bias_activation_kernel(T* y, T* dact, const T* bias, std::int64_t rows,
                                       std::int64_t cols, T omega) {
    constexpr int P = Packed ? kPack<T> : 1;
    const std::int64_t units = cols / P;
    const std::int64_t row_stride = static_cast<std::int64_t>(gridDim.x) * blockDim.y;
    for (std::int64_t r = static_cast<std::int64_t>(blockIdx.x) * blockDim.y + threadIdx.y;
         r < rows; r += row_stride) {
        for (std::int64_t u = threadIdx.x; u < units; u += blockDim.x) {
            const std::int64_t i = r * cols + u * P;  // first element of this unit
            // Whole packs in registers; without Packed only element 0 is used.
            Pack<T> z, b, out, slope;
            if constexpr (Packed) {
                z = *reinterpret_cast<const Pack<T>*>(y + i);
                if (bias) b = *reinterpret_cast<const Pack<T>*>(bias + u * P);
            } else {
                z.v[0] = y[i];
                if (bias) b.v[0] = bias[u];
            }
#pragma unroll
            for (int j = 0; j < P; ++j) {
                // No bias adds nothing (not +0, which would turn -0 into +0).
                const common::ActValue<T> a =
                    common::apply_activation(Act, omega, bias ? z.v[j] + b.v[j] : z.v[j]);
                out.v[j] = a.y;
                slope.v[j] = a.dy_dz;
            }
            if constexpr (Packed) {
                *reinterpret_cast<Pack<T>*>(y + i) = out;
                if (dact) *reinterpret_cast<Pack<T>*>(dact + i) = slope;
            } else {
                y[i] = out.v[0];
                if (dact) dact[i] = slope.v[0];
            }
        }
    }
}

template <typename T>
__global__ void mse_grad_kernel(const T* pred, const T* target, T* grad, std::int64_t n,
                                T scale) {
    for (std::int64_t i = grid_first(); i < n; i += grid_stride())
        grad[i] = scale * (pred[i] - target[i]);
}

template <typename T>
__global__ void adam_kernel(T* p, const T* g, T* m, T* v, std::int64_t n,
                            common::AdamCoefficients<T> k) {
    for (std::int64_t i = grid_first(); i < n; i += grid_stride())
        common::adam_step(p[i], g[i], m[i], v[i], k);
}

template <typename T>
__global__ void sgd_kernel(T* p, const T* g, std::int64_t n, T lr) {
    for (std::int64_t i = grid_first(); i < n; i += grid_stride()) p[i] -= lr * g[i];
}

template <typename T>
__global__ void sgd_momentum_kernel(T* p, const T* g, T* velocity, std::int64_t n, T lr,
                                    T momentum) {
    for (std::int64_t i = grid_first(); i < n; i += grid_stride()) {
        const T vel = momentum * velocity[i] + g[i];
        velocity[i] = vel;
        p[i] -= lr * vel;
    }
}

template <typename T, Activation Act>
void bias_activation_run(const KernelContext& ctx, T omega, void* y, void* dact,
                         const void* bias, std::int64_t rows, std::int64_t cols) {
    if (rows == 0 || cols == 0) return;
    const bool packed = cols % kPack<T> == 0 && all_aligned16(y, dact, bias);
    const std::int64_t units = packed ? cols / kPack<T> : cols;
    // Threads across a row: the power of two covering its units, up to a whole block.
    unsigned int across = 1;
    while (across < units && across < static_cast<unsigned int>(kBlockSize)) across *= 2;
    const dim3 block(across, kBlockSize / across);
    const std::int64_t blocks =
        std::min<std::int64_t>((rows + block.y - 1) / block.y, ctx.max_blocks);
    auto* yt = static_cast<T*>(y);
    auto* dt = static_cast<T*>(dact);
    const auto* bt = static_cast<const T*>(bias);
    if (packed)
        bias_activation_kernel<T, Act, true><<<static_cast<unsigned int>(blocks), block, 0,
                                               ctx.stream>>>(yt, dt, bt, rows, cols, omega);
    else
        bias_activation_kernel<T, Act, false><<<static_cast<unsigned int>(blocks), block, 0,
                                                ctx.stream>>>(yt, dt, bt, rows, cols, omega);
    check_launch("linear_act_forward", ctx.device, rows * cols);
}

}  // namespace

void launch_bias_activation(const KernelContext& ctx, Activation act, DType dtype, double omega,
                            void* y, void* dact, const void* bias, std::int64_t rows,
                            std::int64_t cols) {
    dispatch_floating(dtype, [&](auto zero) {
        using T = decltype(zero);
        const T w = static_cast<T>(omega);
        switch (act) {
            case Activation::identity:
                return bias_activation_run<T, Activation::identity>(ctx, w, y, dact, bias, rows, cols);
            case Activation::sine:
                return bias_activation_run<T, Activation::sine>(ctx, w, y, dact, bias, rows, cols);
            case Activation::relu:
                return bias_activation_run<T, Activation::relu>(ctx, w, y, dact, bias, rows, cols);
            case Activation::tanh:
                return bias_activation_run<T, Activation::tanh>(ctx, w, y, dact, bias, rows, cols);
            case Activation::sigmoid:
                return bias_activation_run<T, Activation::sigmoid>(ctx, w, y, dact, bias, rows,
                                                                   cols);
        }
        throw Error(std::string("[linear_act_forward] unknown activation ") +
                    activation_name(act) + " on cuda");
    });
}

void launch_mse_grad(const KernelContext& ctx, DType dtype, const void* pred, const void* target,
                     void* grad, std::int64_t n) {
    dispatch_floating(dtype, [&](auto zero) {
        using T = decltype(zero);
        launch_grid_stride(ctx, "mse_loss_grad", n, &mse_grad_kernel<T>,
                           static_cast<const T*>(pred), static_cast<const T*>(target),
                           static_cast<T*>(grad), n, static_cast<T>(2.0 / static_cast<double>(n)));
    });
}

void launch_adam_step(const KernelContext& ctx, DType dtype, void* param, const void* grad,
                      void* m, void* v, std::int64_t n,
                      const AdamStepParams& k) {
    dispatch_floating(dtype, [&](auto zero) {
        using T = decltype(zero);
        const common::AdamCoefficients<T> kt =
            common::adam_coefficients<T>(k.lr, k.beta1, k.beta2, k.eps, k.step);
        launch_grid_stride(ctx, "adam_update", n, &adam_kernel<T>, static_cast<T*>(param),
                           static_cast<const T*>(grad), static_cast<T*>(m), static_cast<T*>(v),
                           n, kt);
    });
}

void launch_sgd_step(const KernelContext& ctx, DType dtype, void* param, const void* grad,
                     void* velocity, std::int64_t n, double lr, double momentum) {
    dispatch_floating(dtype, [&](auto zero) {
        using T = decltype(zero);
        if (momentum == 0.0) {
            launch_grid_stride(ctx, "sgd_update", n, &sgd_kernel<T>, static_cast<T*>(param),
                               static_cast<const T*>(grad), n, static_cast<T>(lr));
        } else {
            launch_grid_stride(ctx, "sgd_update", n, &sgd_momentum_kernel<T>,
                               static_cast<T*>(param), static_cast<const T*>(grad),
                               static_cast<T*>(velocity), n, static_cast<T>(lr),
                               static_cast<T>(momentum));
        }
    });
}

}  // namespace anvil::cuda
