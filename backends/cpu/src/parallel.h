// Internal helpers of the CPU backend: OpenMP work splitting and Eigen maps over raw tensor
// storage (dtype dispatch is the SDK's anvil/dispatch.h). Every kernel file includes this;
// nothing here is exported.
#pragma once

#include <omp.h>

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <utility>
#include <cstdint>
#include <type_traits>

#include "anvil/dispatch.h"
#include "anvil/error.h"
#include "anvil/tensor.h"

namespace anvil::cpu {

using Index = std::int64_t;

template <typename T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T> using MatrixMap = Eigen::Map<RowMatrix<T>>;
template <typename T> using ConstMatrixMap = Eigen::Map<const RowMatrix<T>>;
template <typename T> using ArrayMap = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>>;
template <typename T> using ConstArrayMap = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;

// Accumulator of sums: f32 sums run in double so long reductions keep float accuracy.
template <typename T> using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;

// Below this many elements per thread, waking a second thread costs more than it saves.
inline constexpr Index kElementGrain = 16384;

// The most threads one loop uses; per-thread partial results live in arrays of this size.
inline constexpr int kMaxThreads = 256;

inline int max_threads() {
    return omp_in_parallel() ? 1 : std::min(omp_get_max_threads(), kMaxThreads);
}

// How many threads a loop of `n` items should use, each getting at least `grain` items.
inline int threads_for(Index n, Index grain) {
    const Index useful = std::max<Index>(1, n / std::max<Index>(1, grain));
    return static_cast<int>(std::min<Index>(useful, max_threads()));
}

// Element loops split on multiples of this many items, so that threads never share a cache
// line of output (4- and 8-byte elements) and SIMD loops stay aligned with the buffer.
inline constexpr Index kElementAlign = 64;

// Splits [0, n) into one contiguous range per thread and calls f(begin, end, thread).
// Interior boundaries are multiples of `align` items.
template <typename F> void parallel_ranges(Index n, Index grain, F&& f, Index align = 1) {
    const int threads = threads_for(n, grain);
    if (threads <= 1) {
        f(Index{0}, n, 0);
        return;
    }
#pragma omp parallel num_threads(threads)
    {
        const int t = omp_get_thread_num();
        const int nt = omp_get_num_threads();
        auto bound = [&](int k) {
            if (k >= nt) return n;
            return std::min(n, n * k / nt / align * align);
        };
        const Index begin = bound(t), end = bound(t + 1);
        if (begin < end) f(begin, end, t);
    }
}

// Calls f(item, thread) for every item in [0, count), items handed out one at a time to
// whichever thread is free: coarse items (row tiles) stay balanced even when another
// process takes a core for a while. f must not throw.
template <typename F> void parallel_items(Index count, F&& f) {
    const int threads = threads_for(count, 1);
    if (threads <= 1) {
        for (Index i = 0; i < count; ++i) f(i, 0);
        return;
    }
#pragma omp parallel num_threads(threads)
    {
        const int t = omp_get_thread_num();
#pragma omp for schedule(dynamic, 1)
        for (Index i = 0; i < count; ++i) f(i, t);
    }
}

// Element loops: contiguous, 64-aligned ranges of at least kElementGrain items per thread.
template <typename F> void parallel_elements(Index n, F&& f) {
    parallel_ranges(n, kElementGrain, std::forward<F>(f), kElementAlign);
}

// Reduces [0, n) in per-thread runs, r = run(begin, end), and folds the partial results in
// thread order (so "first index wins" reductions stay deterministic).
template <typename R, typename Run, typename Fold> R parallel_fold(Index n, Run run, Fold fold) {
    std::array<R, kMaxThreads> partial{};
    std::array<bool, kMaxThreads> filled{};
    parallel_elements(n, [&](Index begin, Index end, int t) {
        partial[static_cast<std::size_t>(t)] = run(begin, end);
        filled[static_cast<std::size_t>(t)] = true;
    });
    R acc = partial[0];
    for (std::size_t t = 1; t < partial.size(); ++t)
        if (filled[t]) acc = fold(acc, partial[t]);
    return acc;
}

}  // namespace anvil::cpu
