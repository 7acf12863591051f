// Reductions of the CPU backend: sum, mean, max, min and argmax over a ReduceGeometry
// (outer, length, inner). Contiguous rows (inner == 1) reduce with Eigen's vectorised
// redux; strided ones accumulate a block of up to kBlock outputs at a time so every load is
// a contiguous run. f32 sums accumulate in double. max/min and argmax treat NaN as the
// maximum (NumPy's semantics), argmax reporting the first.
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>

#include "common/elementwise.h"
#include "cpu_device.h"
#include "parallel.h"

namespace anvil::cpu {

namespace {

constexpr Index kBlock = 256;  // strided outputs accumulated together
constexpr Index kSumChunk = 1024;  // summed in T by Eigen, then added in double

// Reduces x[0..n) (contiguous). Sums come back unnormalised (mean divides later).
template <typename T> Acc<T> reduce_run(ReduceOp op, const T* x, Index n) {
    if (op == ReduceOp::max) return ConstArrayMap<T>(x, n).template maxCoeff<Eigen::PropagateNaN>();
    if (op == ReduceOp::min) return ConstArrayMap<T>(x, n).template minCoeff<Eigen::PropagateNaN>();
    Acc<T> total = 0;
    for (Index k = 0; k < n; k += kSumChunk)
        total += static_cast<Acc<T>>(ConstArrayMap<T>(x + k, std::min(kSumChunk, n - k)).sum());
    return total;
}

template <typename T> Acc<T> combine(ReduceOp op, Acc<T> acc, Acc<T> v) {
    switch (op) {
        case ReduceOp::max: return common::maximum(acc, v);
        case ReduceOp::min: return common::minimum(acc, v);
        case ReduceOp::sum:
        case ReduceOp::mean: break;
    }
    return acc + v;
}

template <typename T> T finish(ReduceOp op, Acc<T> acc, Index length) {
    if (op == ReduceOp::mean) return static_cast<T>(acc / static_cast<Acc<T>>(length));
    return static_cast<T>(acc);
}

template <typename T> T reduce_row_parallel(ReduceOp op, const T* x, Index length) {
    const Acc<T> acc = parallel_fold<Acc<T>>(
        length, [&](Index begin, Index end) { return reduce_run(op, x + begin, end - begin); },
        [&](Acc<T> a, Acc<T> b) { return combine<T>(op, a, b); });
    return finish<T>(op, acc, length);
}

// Strided: out[o * inner + i] for i in [i0, i0 + n), n <= kBlock.
template <typename T>
void reduce_block(ReduceOp op, const ReduceGeometry& g, const T* x, T* out, Index o, Index i0,
                  Index n) {
    std::array<Acc<T>, kBlock> acc;
    const T* base = x + o * g.length * g.inner + i0;
    const bool is_sum = op == ReduceOp::sum || op == ReduceOp::mean;
    for (Index j = 0; j < n; ++j) acc[j] = is_sum ? Acc<T>(0) : Acc<T>(base[j]);
    for (Index k = is_sum ? 0 : 1; k < g.length; ++k) {
        const T* row = base + k * g.inner;
        if (is_sum) {
            for (Index j = 0; j < n; ++j) acc[j] += static_cast<Acc<T>>(row[j]);
        } else {
            for (Index j = 0; j < n; ++j) acc[j] = combine<T>(op, acc[j], row[j]);
        }
    }
    for (Index j = 0; j < n; ++j) out[o * g.inner + i0 + j] = finish<T>(op, acc[j], g.length);
}

template <typename T> void reduce_typed(ReduceOp op, const ReduceGeometry& g, const T* x, T* out) {
    if (g.inner == 1) {
        if (g.outer < 2 * max_threads() && g.length >= 2 * kElementGrain) {
            for (Index o = 0; o < g.outer; ++o) out[o] = reduce_row_parallel(op, x + o * g.length, g.length);
            return;
        }
        const Index grain = std::max<Index>(1, kElementGrain / std::max<Index>(1, g.length));
        parallel_ranges(g.outer, grain, [&](Index begin, Index end, int) {
            for (Index o = begin; o < end; ++o)
                out[o] = finish<T>(op, reduce_run(op, x + o * g.length, g.length), g.length);
        });
        return;
    }
    const Index blocks = (g.inner + kBlock - 1) / kBlock;
    const Index items = g.outer * blocks;
    const Index grain = std::max<Index>(1, kElementGrain / std::max<Index>(1, g.length * kBlock));
    parallel_ranges(items, grain, [&](Index begin, Index end, int) {
        for (Index item = begin; item < end; ++item) {
            const Index o = item / blocks, i0 = (item % blocks) * kBlock;
            reduce_block(op, g, x, out, o, i0, std::min(kBlock, g.inner - i0));
        }
    });
}

// The running maximum of argmax: NaN beats everything, and an earlier index wins ties.
template <typename T> struct Best {
    T value;
    std::int64_t index;
};
template <typename T> bool beats(T candidate, T best) {
    return !common::is_nan(best) && (candidate > best || common::is_nan(candidate));
}

// Contiguous x[begin..end).
template <typename T> Best<T> argmax_run(const T* x, Index begin, Index end) {
    Best<T> best{x[begin], begin};
    for (Index k = begin + 1; k < end && !common::is_nan(best.value); ++k)
        if (beats(x[k], best.value)) best = {x[k], k};
    return best;
}

// Strided: out[o * inner + i] for i in [i0, i0 + n), n <= kBlock.
template <typename T>
void argmax_block(const ReduceGeometry& g, const T* x, std::int64_t* out, Index o, Index i0,
                  Index n) {
    std::array<T, kBlock> best;
    std::array<std::int64_t, kBlock> index{};
    const T* base = x + o * g.length * g.inner + i0;
    for (Index j = 0; j < n; ++j) best[j] = base[j];
    for (Index k = 1; k < g.length; ++k) {
        const T* row = base + k * g.inner;
        for (Index j = 0; j < n; ++j) {
            if (beats(row[j], best[j])) {
                best[j] = row[j];
                index[j] = k;
            }
        }
    }
    std::copy(index.begin(), index.begin() + n, out + o * g.inner + i0);
}

template <typename T>
void argmax_typed(const ReduceGeometry& g, const T* x, std::int64_t* out) {
    if (g.inner == 1 && g.outer < 2 * max_threads() && g.length >= 2 * kElementGrain) {
        for (Index o = 0; o < g.outer; ++o) {
            const T* row = x + o * g.length;
            out[o] = parallel_fold<Best<T>>(
                         g.length, [&](Index begin, Index end) { return argmax_run(row, begin, end); },
                         [](Best<T> a, Best<T> b) { return beats(b.value, a.value) ? b : a; })
                         .index;
        }
        return;
    }
    if (g.inner == 1) {
        const Index grain = std::max<Index>(1, kElementGrain / std::max<Index>(1, g.length));
        parallel_ranges(g.outer, grain, [&](Index begin, Index end, int) {
            for (Index o = begin; o < end; ++o) out[o] = argmax_run(x + o * g.length, 0, g.length).index;
        });
        return;
    }
    const Index blocks = (g.inner + kBlock - 1) / kBlock;
    const Index grain = std::max<Index>(1, kElementGrain / std::max<Index>(1, g.length * kBlock));
    parallel_ranges(g.outer * blocks, grain, [&](Index begin, Index end, int) {
        for (Index item = begin; item < end; ++item) {
            const Index o = item / blocks, i0 = (item % blocks) * kBlock;
            argmax_block(g, x, out, o, i0, std::min(kBlock, g.inner - i0));
        }
    });
}

}  // namespace

void CpuDevice::reduce(ReduceOp op, const ReduceGeometry& geometry, const Tensor& x, Tensor& out) {
    dispatch_float(op_name(op), x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        reduce_typed(op, geometry, x.data_as<T>(), out.data_as<T>());
    });
}

void CpuDevice::argmax(const ReduceGeometry& geometry, const Tensor& x, Tensor& out) {
    dispatch_float("argmax", x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        argmax_typed(geometry, x.data_as<T>(), out.data_as<std::int64_t>());
    });
}

}  // namespace anvil::cpu
