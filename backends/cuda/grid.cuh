// Launch helpers shared by the backend's .cu files: 64-bit grid-stride loops (correct for
// n > 2^31), grid sizing, 16-byte packs and the checked launch of a grid-stride kernel.
// dtype dispatch is the SDK's anvil/dispatch.h.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>

#include <cuda_runtime.h>

#include "anvil/dispatch.h"
#include "cuda_check.h"
#include "launch.h"

namespace anvil::cuda {

// Blocks for a grid-stride loop over n items: enough to cover n, never more than
// ctx.max_blocks (further items are reached by striding).
inline unsigned int grid_blocks(const KernelContext& ctx, std::int64_t n) {
    const std::int64_t needed = (n + kBlockSize - 1) / kBlockSize;
    const std::int64_t blocks = std::min<std::int64_t>(needed, ctx.max_blocks);
    return static_cast<unsigned int>(std::max<std::int64_t>(blocks, 1));
}

// This thread's first index and the grid's stride, both 64-bit before any multiplication.
__device__ __forceinline__ std::int64_t grid_first() {
    return static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}
__device__ __forceinline__ std::int64_t grid_stride() {
    return static_cast<std::int64_t>(blockDim.x) * gridDim.x;
}

// 16 bytes of elements (4 floats, 2 doubles) moved by one vector load or store. Scalar 4-byte
// accesses keep too few bytes in flight per SM to approach DRAM bandwidth on large GPUs (the
// H200's elementwise kernels ran at about half of a device copy's rate with them); packs
// quadruple the bytes per memory instruction. Used only where every pointer is 16-byte aligned.
template <typename T> constexpr int kPack = static_cast<int>(16 / sizeof(T));
template <typename T> struct alignas(16) Pack {
    T v[kPack<T>];
};
inline bool aligned16(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; }
template <typename... P> bool all_aligned16(const P*... p) { return (aligned16(p) && ...); }

// Launches a grid-stride kernel over n elements (nothing for n == 0) and checks the launch.
// Each thread's first pass covers `per_thread` elements (a pack), which sizes the grid.
template <typename... Params, typename... Args>
void launch_grid_stride_per(const KernelContext& ctx, const char* op, std::int64_t n,
                            int per_thread, void (*kernel)(Params...), Args&&... args) {
    if (n <= 0) return;
    const std::int64_t items = (n + per_thread - 1) / per_thread;
    kernel<<<grid_blocks(ctx, items), kBlockSize, 0, ctx.stream>>>(std::forward<Args>(args)...);
    check_launch(op, ctx.device, n);
}
template <typename... Params, typename... Args>
void launch_grid_stride(const KernelContext& ctx, const char* op, std::int64_t n,
                        void (*kernel)(Params...), Args&&... args) {
    launch_grid_stride_per(ctx, op, n, 1, kernel, std::forward<Args>(args)...);
}

}  // namespace anvil::cuda
