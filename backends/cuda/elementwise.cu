// Elementwise kernels: fill, the unary ops, clip and affine, as 64-bit grid-stride loops over
// the element functors shared with the CPU backend (backends/common/elementwise.h), in 16-byte
// packs where the pointers allow (grid.cuh). Each unary op is its own instantiation so the
// functor's switch folds away; sin/cos are the accurate full-range versions (no fast-math
// intrinsics).
#include "anvil/error.h"
#include "grid.cuh"

namespace anvil::cuda {

namespace {

template <typename T> __global__ void fill_kernel(T* out, std::int64_t n, T value) {
    for (std::int64_t i = grid_first(); i < n; i += grid_stride()) out[i] = value;
}

// out = f(x). Packed: whole packs first, then the last n % kPack elements one by one. out may
// alias x: each thread reads its element (or pack) before writing it.
template <typename T, typename F, bool Packed>
__global__ void map_kernel(const T* x, T* out, std::int64_t n, F f) {
    std::int64_t done = 0;
    if constexpr (Packed) {
        constexpr int P = kPack<T>;
        const std::int64_t packs = n / P;
        const auto* xp = reinterpret_cast<const Pack<T>*>(x);
        auto* outp = reinterpret_cast<Pack<T>*>(out);
        for (std::int64_t i = grid_first(); i < packs; i += grid_stride()) {
            Pack<T> v = xp[i];
#pragma unroll
            for (int j = 0; j < P; ++j) v.v[j] = f(v.v[j]);
            outp[i] = v;
        }
        done = packs * P;
    }
    for (std::int64_t i = done + grid_first(); i < n; i += grid_stride()) out[i] = f(x[i]);
}

template <typename T, UnaryOp Op> struct UnaryFn {
    __device__ T operator()(T x) const { return common::apply_unary(Op, x); }
};
template <typename T> struct ClipFn {
    T lo, hi;
    __device__ T operator()(T x) const { return common::clip(x, lo, hi); }
};
template <typename T> struct AffineFn {
    T a, b;
    __device__ T operator()(T x) const { return a * x + b; }
};

template <typename T, typename F>
void map(const KernelContext& ctx, const char* op, const void* x, void* out, std::int64_t n,
         F f) {
    if (all_aligned16(x, out))
        launch_grid_stride_per(ctx, op, n, kPack<T>, &map_kernel<T, F, true>,
                               static_cast<const T*>(x), static_cast<T*>(out), n, f);
    else
        launch_grid_stride(ctx, op, n, &map_kernel<T, F, false>, static_cast<const T*>(x),
                           static_cast<T*>(out), n, f);
}

// One instantiation per unary op of the table in op.h (the functor's switch folds away).
template <typename T>
void unary_typed(const KernelContext& ctx, UnaryOp op, const void* x, void* out,
                 std::int64_t n) {
    const char* name = op_name(op);
    switch (op) {
#define ANVIL_UNARY_CASE_(op_name_, id) \
    case UnaryOp::op_name_: return map<T>(ctx, name, x, out, n, UnaryFn<T, UnaryOp::op_name_>{});
        ANVIL_UNARY_OPS(ANVIL_UNARY_CASE_)
#undef ANVIL_UNARY_CASE_
    }
    throw Error(std::string("[") + name + "] unknown unary op on cuda");
}

}  // namespace

void launch_fill(const KernelContext& ctx, DType dtype, void* out, std::int64_t n,
                 double value) {
    if (dtype == DType::i64) {
        launch_grid_stride(ctx, "fill", n, &fill_kernel<std::int64_t>,
                           static_cast<std::int64_t*>(out), n, static_cast<std::int64_t>(value));
        return;
    }
    dispatch_float("fill", dtype, [&](auto zero) {
        using T = decltype(zero);
        launch_grid_stride(ctx, "fill", n, &fill_kernel<T>, static_cast<T*>(out), n,
                           static_cast<T>(value));
    });
}

void launch_unary(const KernelContext& ctx, UnaryOp op, DType dtype, const void* x, void* out,
                  std::int64_t n) {
    dispatch_float(op_name(op), dtype, [&](auto zero) { unary_typed<decltype(zero)>(ctx, op, x, out, n); });
}

void launch_clip(const KernelContext& ctx, DType dtype, const void* x, void* out, std::int64_t n,
                 double lo, double hi) {
    dispatch_float("clip", dtype, [&](auto zero) {
        using T = decltype(zero);
        map<T>(ctx, "clip", x, out, n, ClipFn<T>{static_cast<T>(lo), static_cast<T>(hi)});
    });
}

void launch_affine(const KernelContext& ctx, DType dtype, const void* x, void* out,
                   std::int64_t n, double a, double b) {
    dispatch_float("affine", dtype, [&](auto zero) {
        using T = decltype(zero);
        map<T>(ctx, "affine", x, out, n, AffineFn<T>{static_cast<T>(a), static_cast<T>(b)});
    });
}

void check_kernel_image(const KernelContext& ctx, const char* device_label) {
    // Asking for a kernel's attributes fails when no image in this binary suits the GPU.
    cudaFuncAttributes attributes{};
    const cudaError_t status = cudaFuncGetAttributes(&attributes, fill_kernel<float>);
    if (status == cudaSuccess) return;
    cudaGetLastError();
    throw Error(std::string("[cuda] ") + device_label + " cannot run this build's kernels: " +
                cudaGetErrorString(status) + " (" + cudaGetErrorName(status) +
                "); rebuild with -DCMAKE_CUDA_ARCHITECTURES=<this GPU's sm> (cuda:" +
                std::to_string(ctx.device) + ")");
}

}  // namespace anvil::cuda
