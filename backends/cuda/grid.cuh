// Launch helpers shared by the backend's .cu files: 64-bit grid-stride loops (correct for
// n > 2^31), grid sizing, dtype dispatch and the checked launch of a grid-stride kernel.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>

#include <cuda_runtime.h>

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

// Calls f(T{}) with T the element type of a floating dtype (f32 or f64).
template <typename F> void dispatch_floating(DType dtype, F&& f) {
    if (dtype == DType::f64) {
        f(double{});
    } else {
        f(float{});
    }
}

// Launches a grid-stride kernel over n items (nothing for n == 0) and checks the launch.
template <typename... Params, typename... Args>
void launch_grid_stride(const KernelContext& ctx, const char* op, std::int64_t n,
                        void (*kernel)(Params...), Args&&... args) {
    if (n <= 0) return;
    kernel<<<grid_blocks(ctx, n), kBlockSize, 0, ctx.stream>>>(std::forward<Args>(args)...);
    check_launch(op, ctx.device, n);
}

}  // namespace anvil::cuda
