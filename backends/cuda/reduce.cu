// Reductions: sum, mean, max, min, argmax and the squared-error mean of mse_loss_grad. A
// reduction over (outer, length, inner) with inner == 1 is outer contiguous segments of
// `length` items: one segment is cub::DeviceReduce over the whole input, several are
// cub::DeviceSegmentedReduce. Over any other axis (inner > 1) the items of a segment are
// strided, and reduce_columns.cuh reads them coalesced across neighbouring columns instead.
#include <cub/device/device_reduce.cuh>
#include <cub/device/device_segmented_reduce.cuh>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <limits>

#include "common/reduce_math.h"
#include "cuda_memory.h"
#include "grid.cuh"
#include "reduce_columns.cuh"

namespace anvil::cuda {

namespace {

using Index = std::int64_t;

// Segment s starts at item s * length.
struct SegmentStart {
    Index length;
    __host__ __device__ Index operator()(Index s) const { return s * length; }
};

// Item j of the segment-major order, read from x: (outer, length, inner), with its index.
template <typename T> struct GatherIndexed {
    const T* x;
    Index length, inner;
    __device__ common::IndexedValue<T> operator()(Index j) const {
        const common::SegmentIndex at = common::segment_index(length, inner, j);
        return {at.position, x[at.source]};
    }
};
template <typename T> struct SquaredDifference {
    const T* pred;
    const T* target;
    __device__ T operator()(Index j) const {
        const T d = pred[j] - target[j];
        return d * d;
    }
};

std::string geometry_detail(const KernelContext& ctx, const ReduceGeometry& g) {
    return "cuda:" + std::to_string(ctx.device) + ", (outer, length, inner) = (" +
           std::to_string(g.outer) + ", " + std::to_string(g.length) + ", " +
           std::to_string(g.inner) + ")";
}

// Reduces `segments` consecutive runs of `length` items of `in` into out[0 .. segments), with
// CUB's usual two calls: the first sizes the temporary storage, the second reduces.
template <typename In, typename Out, typename Op, typename Init>
void reduce_segments(const KernelContext& ctx, const char* op, const ReduceGeometry& g, In in,
                     Out out, Op reduce_op, Init init) {
    const Index segments = g.outer * g.inner;
    std::size_t temp_bytes = 0;
    if (segments == 1) {
        ANVIL_CUDA_CHECK(cub::DeviceReduce::Reduce(nullptr, temp_bytes, in, out, g.length,
                                                   reduce_op, init, ctx.stream),
                         op, geometry_detail(ctx, g));
        // A null pointer would make the second call another size query.
        StreamScratch temp(ctx, std::max<std::size_t>(temp_bytes, 1), op);
        ANVIL_CUDA_CHECK(cub::DeviceReduce::Reduce(temp.data(), temp_bytes, in, out, g.length,
                                                   reduce_op, init, ctx.stream),
                         op, geometry_detail(ctx, g));
        return;
    }
    const auto begin = thrust::make_transform_iterator(thrust::counting_iterator<Index>(0),
                                                       SegmentStart{g.length});
    const auto end = begin + 1;
    ANVIL_CUDA_CHECK(cub::DeviceSegmentedReduce::Reduce(nullptr, temp_bytes, in, out, segments,
                                                        begin, end, reduce_op, init, ctx.stream),
                     op, geometry_detail(ctx, g));
    StreamScratch temp(ctx, std::max<std::size_t>(temp_bytes, 1), op);
    ANVIL_CUDA_CHECK(cub::DeviceSegmentedReduce::Reduce(temp.data(), temp_bytes, in, out,
                                                        segments, begin, end, reduce_op, init,
                                                        ctx.stream),
                     op, geometry_detail(ctx, g));
}

// Contiguous segments (inner == 1) through CUB, strided ones (inner > 1) column-wise.
template <typename T, typename Op>
void reduce_values(const KernelContext& ctx, const char* op, const ReduceGeometry& g,
                   const T* x, T* out, Op reduce_op, T init) {
    if (g.inner == 1)
        reduce_segments(ctx, op, g, x, out, reduce_op, init);
    else
        reduce_columns(ctx, op, g, ValueLoad<T>{x}, reduce_op, init, out);
}

template <typename T> __global__ void divide_kernel(T* out, Index n, T divisor) {
    for (Index i = grid_first(); i < n; i += grid_stride()) out[i] = out[i] / divisor;
}

template <typename T>
__global__ void take_index_kernel(const common::IndexedValue<T>* best, Index* out, Index n) {
    for (Index i = grid_first(); i < n; i += grid_stride()) out[i] = best[i].index;
}

template <typename T>
void reduce_typed(const KernelContext& ctx, ReduceOp op, const ReduceGeometry& g, const T* x,
                  T* out) {
    const char* name = op_name(op);
    const Index segments = g.outer * g.inner;
    constexpr T inf = std::numeric_limits<T>::infinity();
    switch (op) {
        case ReduceOp::sum:
        case ReduceOp::mean:
            if (g.length == 0) {  // sum of nothing is 0; mean of nothing is 0 / 0 = NaN
                launch_fill(ctx, dtype_of<T>::value, out, segments,
                            op == ReduceOp::sum ? 0.0 : std::numeric_limits<double>::quiet_NaN());
                return;
            }
            reduce_values(ctx, name, g, x, out, common::SumOp<T>{}, T(0));
            if (op == ReduceOp::mean)
                launch_grid_stride(ctx, name, segments, &divide_kernel<T>, out, segments,
                                   static_cast<T>(g.length));
            return;
        case ReduceOp::max: return reduce_values(ctx, name, g, x, out, common::MaxOp<T>{}, -inf);
        case ReduceOp::min: return reduce_values(ctx, name, g, x, out, common::MinOp<T>{}, inf);
    }
}

}  // namespace

void launch_reduce(const KernelContext& ctx, ReduceOp op, DType dtype,
                   const ReduceGeometry& geometry, const void* x, void* out) {
    if (geometry.outer * geometry.inner == 0) return;
    dispatch_float(op_name(op), dtype, [&](auto zero) {
        using T = decltype(zero);
        reduce_typed<T>(ctx, op, geometry, static_cast<const T*>(x), static_cast<T*>(out));
    });
}

void launch_argmax(const KernelContext& ctx, DType dtype, const ReduceGeometry& g, const void* x,
                   std::int64_t* out) {
    const Index segments = g.outer * g.inner;
    if (segments == 0) return;
    dispatch_float("argmax", dtype, [&](auto zero) {
        using T = decltype(zero);
        using Candidate = common::IndexedValue<T>;
        const T* xt = static_cast<const T*>(x);
        StreamScratch best(ctx, static_cast<std::size_t>(segments) * sizeof(Candidate), "argmax");
        const Candidate identity{std::numeric_limits<Index>::max(),
                                 -std::numeric_limits<T>::infinity()};
        if (g.inner == 1) {
            const auto candidates = thrust::make_transform_iterator(
                thrust::counting_iterator<Index>(0), GatherIndexed<T>{xt, g.length, g.inner});
            reduce_segments(ctx, "argmax", g, candidates, best.as<Candidate>(),
                            common::ArgmaxOp<T>{}, identity);
        } else {
            reduce_columns(ctx, "argmax", g, IndexedLoad<T>{xt}, common::ArgmaxOp<T>{}, identity,
                           best.as<Candidate>());
        }
        launch_grid_stride(ctx, "argmax", segments, &take_index_kernel<T>, best.as<Candidate>(),
                           out, segments);
    });
}

void launch_squared_error_mean(const KernelContext& ctx, DType dtype, const void* pred,
                               const void* target, void* loss, std::int64_t n) {
    dispatch_float("mse_loss_grad", dtype, [&](auto zero) {
        using T = decltype(zero);
        const auto squares = thrust::make_transform_iterator(
            thrust::counting_iterator<Index>(0),
            SquaredDifference<T>{static_cast<const T*>(pred), static_cast<const T*>(target)});
        const ReduceGeometry all{1, n, 1};
        reduce_segments(ctx, "mse_loss_grad", all, squares, static_cast<T*>(loss),
                        common::SumOp<T>{}, T(0));
        launch_grid_stride(ctx, "mse_loss_grad", 1, &divide_kernel<T>, static_cast<T*>(loss),
                           Index{1}, static_cast<T>(n));
    });
}

}  // namespace anvil::cuda
