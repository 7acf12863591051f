// Fused kernels of the composite ops: bias + activation (+ its derivative) after the forward
// GEMM, the MSE gradient, and one Adam or SGD step per parameter. Each computes the same
// element math as the core defaults (core/src/device_composites.cpp) in one pass.
#include "anvil/error.h"
#include "grid.cuh"

namespace anvil::cuda {

namespace {

// x: (rows, in), w: (cols, in) with in <= kMaxSmallIn, whose product the kernel computes
// itself; or x null when y already holds x w^T (from cuBLAS).
template <typename T> struct SmallProduct {
    const T* x;
    const T* w;
    int in;
};

// y: (rows, cols) = act(omega (x w^T + bias)). Threads are laid out as (column unit, row):
// blockDim.x across a row's units, blockDim.y across rows, rows visited grid-stride, so each
// thread knows its bias column without dividing. A unit is one element, or with Packed a
// 16-byte pack (cols a multiple of kPack<T>, every pointer aligned).
template <typename T, Activation Act, bool Packed>
__global__ void bias_activation_kernel(SmallProduct<T> product, T* y, T* dact, const T* bias,
                                       std::int64_t rows, std::int64_t cols, T omega) {
    constexpr int P = Packed ? kPack<T> : 1;
    const std::int64_t units = cols / P;
    const std::int64_t row_stride = static_cast<std::int64_t>(gridDim.x) * blockDim.y;
    for (std::int64_t r = static_cast<std::int64_t>(blockIdx.x) * blockDim.y + threadIdx.y;
         r < rows; r += row_stride) {
        for (std::int64_t u = threadIdx.x; u < units; u += blockDim.x) {
            const std::int64_t i = r * cols + u * P;  // first element of this unit
            // Whole packs in registers; without Packed only element 0 is used.
            Pack<T> z, b, out, slope;
            if (product.x) {
                // The product in the order a GEMM sums it; x's row is shared by the block's
                // threads and w is a few KB, so both come from cache.
                const T* x_row = product.x + r * product.in;
#pragma unroll
                for (int j = 0; j < P; ++j) {
                    const T* w_row = product.w + (u * P + j) * product.in;
                    T acc = T(0);
                    for (int k = 0; k < product.in; ++k) acc += x_row[k] * w_row[k];
                    z.v[j] = acc;
                }
            } else if constexpr (Packed) {
                z = *reinterpret_cast<const Pack<T>*>(y + i);
            } else {
                z.v[0] = y[i];
            }
            if constexpr (Packed) {
                if (bias) b = *reinterpret_cast<const Pack<T>*>(bias + u * P);
            } else {
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

// Up to kAdamTensorsPerLaunch parameter tensors in one launch, tensor blockIdx.y: a SIREN has
// 8 small ones, and a launch each cost more than their arithmetic.
template <typename T> struct AdamBatch {
    T* param[kAdamTensorsPerLaunch];
    const T* grad[kAdamTensorsPerLaunch];
    T* m[kAdamTensorsPerLaunch];
    T* v[kAdamTensorsPerLaunch];
    std::int64_t n[kAdamTensorsPerLaunch];
};

template <typename T>
__global__ void adam_kernel(AdamBatch<T> batch, common::AdamCoefficients<T> k) {
    const unsigned int s = blockIdx.y;
    T* p = batch.param[s];
    const T* g = batch.grad[s];
    T* m = batch.m[s];
    T* v = batch.v[s];
    for (std::int64_t i = grid_first(); i < batch.n[s]; i += grid_stride())
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
void bias_activation_run(const KernelContext& ctx, T omega, SmallProduct<T> product, void* y,
                         void* dact, const void* bias, std::int64_t rows, std::int64_t cols) {
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
                                               ctx.stream>>>(product, yt, dt, bt, rows, cols,
                                                             omega);
    else
        bias_activation_kernel<T, Act, false><<<static_cast<unsigned int>(blocks), block, 0,
                                                ctx.stream>>>(product, yt, dt, bt, rows, cols,
                                                              omega);
    check_launch("linear_act_forward", ctx.device, rows * cols);
}

}  // namespace

void launch_linear_activation(const KernelContext& ctx, Activation act, DType dtype,
                              double omega, const void* x, const void* w, int in, void* y,
                              void* dact, const void* bias, std::int64_t rows,
                              std::int64_t cols) {
    dispatch_float("linear_act_forward", dtype, [&](auto zero) {
        using T = decltype(zero);
        const T om = static_cast<T>(omega);
        const SmallProduct<T> pr{static_cast<const T*>(x), static_cast<const T*>(w), in};
        switch (act) {
            case Activation::identity:
                return bias_activation_run<T, Activation::identity>(ctx, om, pr, y, dact, bias,
                                                                    rows, cols);
            case Activation::sine:
                return bias_activation_run<T, Activation::sine>(ctx, om, pr, y, dact, bias, rows,
                                                                cols);
            case Activation::relu:
                return bias_activation_run<T, Activation::relu>(ctx, om, pr, y, dact, bias, rows,
                                                                cols);
            case Activation::tanh:
                return bias_activation_run<T, Activation::tanh>(ctx, om, pr, y, dact, bias, rows,
                                                                cols);
            case Activation::sigmoid:
                return bias_activation_run<T, Activation::sigmoid>(ctx, om, pr, y, dact, bias,
                                                                   rows, cols);
        }
        throw Error(std::string("[linear_act_forward] unknown activation ") +
                    activation_name(act) + " on cuda");
    });
}

void launch_bias_activation(const KernelContext& ctx, Activation act, DType dtype, double omega,
                            void* y, void* dact, const void* bias, std::int64_t rows,
                            std::int64_t cols) {
    launch_linear_activation(ctx, act, dtype, omega, nullptr, nullptr, 0, y, dact, bias, rows,
                             cols);
}

void launch_mse_grad(const KernelContext& ctx, DType dtype, const void* pred, const void* target,
                     void* grad, std::int64_t n) {
    dispatch_float("mse_loss_grad", dtype, [&](auto zero) {
        using T = decltype(zero);
        launch_grid_stride(ctx, "mse_loss_grad", n, &mse_grad_kernel<T>,
                           static_cast<const T*>(pred), static_cast<const T*>(target),
                           static_cast<T*>(grad), n, static_cast<T>(2.0 / static_cast<double>(n)));
    });
}

void launch_adam_steps(const KernelContext& ctx, DType dtype, const AdamTensor* tensors,
                       std::size_t count, const AdamStepParams& k) {
    dispatch_float("adam_update", dtype, [&](auto zero) {
        using T = decltype(zero);
        const common::AdamCoefficients<T> kt =
            common::adam_coefficients<T>(k.lr, k.beta1, k.beta2, k.eps, k.step);
        for (std::size_t first = 0; first < count; first += kAdamTensorsPerLaunch) {
            const std::size_t here = std::min<std::size_t>(count - first, kAdamTensorsPerLaunch);
            AdamBatch<T> batch{};
            std::int64_t largest = 0, total = 0;
            for (std::size_t j = 0; j < here; ++j) {
                const AdamTensor& t = tensors[first + j];
                batch.param[j] = static_cast<T*>(t.param);
                batch.grad[j] = static_cast<const T*>(t.grad);
                batch.m[j] = static_cast<T*>(t.m);
                batch.v[j] = static_cast<T*>(t.v);
                batch.n[j] = t.n;
                largest = std::max(largest, t.n);
                total += t.n;
            }
            if (largest == 0) continue;
            // Blocks per tensor: enough for the largest, the whole grid at most one GPU-full.
            const std::int64_t per_tensor = std::max<std::int64_t>(
                1, std::min<std::int64_t>(grid_blocks(ctx, largest),
                                          ctx.max_blocks / static_cast<std::int64_t>(here)));
            adam_kernel<T><<<dim3(static_cast<unsigned int>(per_tensor),
                                  static_cast<unsigned int>(here)),
                             kBlockSize, 0, ctx.stream>>>(batch, kt);
            check_launch("adam_update", ctx.device, total);
        }
    });
}

void launch_sgd_step(const KernelContext& ctx, DType dtype, void* param, const void* grad,
                     void* velocity, std::int64_t n, double lr, double momentum) {
    dispatch_float("sgd_update", dtype, [&](auto zero) {
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
