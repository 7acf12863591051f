// Fused kernels of the composite ops: bias + activation (+ its derivative) after the forward
// GEMM, the MSE gradient, and one Adam or SGD step per parameter. Each computes the same
// element math as the core defaults (core/src/device_composites.cpp) in one pass.
#include "anvil/error.h"
#include "grid.cuh"

namespace anvil::cuda {

namespace {

// y: (rows, cols) = x w^T on entry, row-major, so element i is in column i % cols.
template <typename T, Activation Act>
__global__ void bias_activation_kernel(T* y, T* dact, const T* bias, std::int64_t n,
                                       std::int64_t cols, T omega) {
    for (std::int64_t i = grid_first(); i < n; i += grid_stride()) {
        const T z = bias ? y[i] + bias[i % cols] : y[i];
        const common::ActValue<T> a = common::apply_activation(Act, omega, z);
        y[i] = a.y;
        if (dact) dact[i] = a.dy_dz;
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
    const std::int64_t n = rows * cols;
    launch_grid_stride(ctx, "linear_act_forward", n, &bias_activation_kernel<T, Act>,
                       static_cast<T*>(y), static_cast<T*>(dact), static_cast<const T*>(bias),
                       n, cols, omega);
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
