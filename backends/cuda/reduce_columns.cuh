// Reductions over an axis that is not the last (inner > 1), coalesced: each block reads
// neighbouring columns with consecutive threads and one chunk of the reduced axis, then combines
// its lanes in shared memory (the plan and every thread's index walk are common::ColumnPlan and
// common::column_lane, checked on the CPU by tests/cuda/test_reduce_math.cpp). A long reduced
// axis is split across blocks and its partials reduced by a second pass of the same kernel.
#pragma once

#include "common/reduce_math.h"
#include "cuda_memory.h"
#include "grid.cuh"

namespace anvil::cuda {

// Loads: item k of the reduced axis, stored at input offset `offset`, as the accumulator type.
template <typename T> struct ValueLoad {
    const T* x;
    __device__ T operator()(std::int64_t, std::int64_t offset) const { return x[offset]; }
};
template <typename T> struct IndexedLoad {
    const T* x;
    __device__ common::IndexedValue<T> operator()(std::int64_t k, std::int64_t offset) const {
        return {k, x[offset]};
    }
};
template <typename Acc> struct PartialLoad {
    const Acc* partials;
    __device__ Acc operator()(std::int64_t, std::int64_t offset) const {
        return partials[offset];
    }
};

// One partial per (slab, chunk, column) into out: (outer, chunks, inner). combine must be
// associative and commutative, with init its identity.
template <typename Acc, typename Load, typename Combine>
__global__ void reduce_columns_kernel(common::ColumnPlan plan, Load load, Combine combine,
                                      Acc init, Acc* out) {
    __shared__ Acc partial[kBlockSize];
    const std::int64_t blocks_x = plan.outer * plan.tiles;
    for (std::int64_t bx = blockIdx.x; bx < blocks_x; bx += gridDim.x) {
        const common::ColumnLane l = common::column_lane(plan, bx, blockIdx.y, threadIdx.x);
        Acc acc = init;
        if (l.active) {
            // Four independent loads in flight per thread before their first use: one at a time
            // would leave the memory system mostly idle.
            const std::int64_t lanes = plan.lanes;
            std::int64_t k = l.k_begin, offset = l.offset;
            for (; k + 3 * lanes < l.k_end; k += 4 * lanes, offset += 4 * l.step) {
                const Acc v0 = load(k, offset);
                const Acc v1 = load(k + lanes, offset + l.step);
                const Acc v2 = load(k + 2 * lanes, offset + 2 * l.step);
                const Acc v3 = load(k + 3 * lanes, offset + 3 * l.step);
                acc = combine(acc, combine(combine(v0, v1), combine(v2, v3)));
            }
            for (; k < l.k_end; k += lanes, offset += l.step) acc = combine(acc, load(k, offset));
        }
        partial[threadIdx.x] = acc;
        __syncthreads();
        // A tree over each column's lanes: lane q takes in lane q + s (same column).
        for (std::int64_t s = plan.lanes / 2; s > 0; s /= 2) {
            if (l.active && l.q < s)
                partial[threadIdx.x] =
                    combine(partial[threadIdx.x], partial[threadIdx.x + s * plan.cols]);
            __syncthreads();
        }
        if (l.active && l.q == 0) out[l.out_index] = partial[threadIdx.x];
        __syncthreads();  // partial is refilled for the next bx
    }
}

// out: (outer, inner) = the reduction of x: (outer, length, inner) over length >= 1.
template <typename Acc, typename Load, typename Combine>
void reduce_columns(const KernelContext& ctx, const char* op, const ReduceGeometry& g,
                    Load load, Combine combine, Acc init, Acc* out) {
    // Two blocks per resident slot: enough to hide the tail of uneven chunks.
    const common::ColumnPlan plan = common::plan_column_reduction(
        g.outer, g.length, g.inner, kBlockSize, 2 * std::int64_t{ctx.max_blocks});
    constexpr std::int64_t kMaxGridX = 2147483647;  // CUDA's limit on gridDim.x
    const dim3 grid(static_cast<unsigned int>(std::min(plan.outer * plan.tiles, kMaxGridX)),
                    static_cast<unsigned int>(plan.chunks));
    const std::int64_t numel = g.outer * g.length * g.inner;
    if (plan.chunks == 1) {
        reduce_columns_kernel<Acc><<<grid, kBlockSize, 0, ctx.stream>>>(plan, load, combine, init,
                                                                        out);
        check_launch(op, ctx.device, numel);
        return;
    }
    const std::int64_t partial_count = g.outer * plan.chunks * g.inner;
    StreamScratch partials(ctx, static_cast<std::size_t>(partial_count) * sizeof(Acc), op);
    reduce_columns_kernel<Acc><<<grid, kBlockSize, 0, ctx.stream>>>(plan, load, combine, init,
                                                                    partials.as<Acc>());
    check_launch(op, ctx.device, numel);
    reduce_columns(ctx, op, ReduceGeometry{g.outer, plan.chunks, g.inner},
                   PartialLoad<Acc>{partials.as<Acc>()}, combine, init, out);
}

}  // namespace anvil::cuda
