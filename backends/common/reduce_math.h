// Reduction index math and combine operators (__host__ __device__ under nvcc), kept apart
// from the CUB launch code so that tests/cuda checks them on the CPU: the (outer, length,
// inner) gather order, max/min that propagate NaN, and argmax's "first maximum, NaN wins".
#pragma once

#include <algorithm>
#include <cstdint>

#include "common/elementwise.h"

namespace anvil::common {

// A reduction over ReduceGeometry{outer, length, inner} read as outer * inner contiguous
// segments of `length` items: item j belongs to segment s = j / length (which is output
// element s = o * inner + i) at position k = j % length, and lives in the input at
// (o * length + k) * inner + i. For inner == 1 this is the identity.
struct SegmentIndex {
    std::int64_t segment;
    std::int64_t position;  // k, the index along the reduced axis
    std::int64_t source;    // offset into the input
};
ANVIL_HD SegmentIndex segment_index(std::int64_t length, std::int64_t inner, std::int64_t j) {
    const std::int64_t s = j / length;
    const std::int64_t k = j - s * length;
    const std::int64_t o = s / inner;
    const std::int64_t i = s - o * inner;
    return {s, k, (o * length + k) * inner + i};
}

// A reduction over an axis that is not the last (inner > 1), read coalesced: a block of
// `block` threads covers `cols` neighbouring columns (i) with `lanes` threads each, so that
// consecutive threads read consecutive addresses, and one chunk of the reduced axis (k). Each
// block writes one partial per column to (outer, chunks, inner); when chunks > 1 the same
// reduction runs again over the partials, whose geometry is (outer, chunks, inner).
struct ColumnPlan {
    std::int64_t outer, length, inner;
    std::int64_t cols;       // columns per block: min(inner, block)
    std::int64_t lanes;      // threads per column, a power of two: lanes * cols <= block
    std::int64_t tiles;      // blocks across the columns: ceil(inner / cols)
    std::int64_t chunk_len;  // items of k per block
    std::int64_t chunks;     // blocks along k: ceil(length / chunk_len), none of them empty
};
// target_blocks: how many blocks fill the GPU; max_chunks: the grid's y limit.
inline ColumnPlan plan_column_reduction(std::int64_t outer, std::int64_t length,
                                        std::int64_t inner, std::int64_t block,
                                        std::int64_t target_blocks,
                                        std::int64_t max_chunks = 65535) {
    ColumnPlan p{outer, length, inner, 0, 1, 0, 0, 1};
    p.cols = std::min(inner, block);
    while (p.lanes * 2 * p.cols <= block) p.lanes *= 2;
    p.tiles = (inner + p.cols - 1) / p.cols;
    if (length == 0) return p;
    // Split k only while every thread still reads at least 32 items (the kernel keeps four
    // loads in flight), and only as far as it takes to give the GPU target_blocks blocks.
    const std::int64_t min_chunk = 32 * p.lanes;
    const std::int64_t base = std::max<std::int64_t>(1, outer * p.tiles);
    std::int64_t chunks = (target_blocks + base - 1) / base;
    chunks = std::min({chunks, (length + min_chunk - 1) / min_chunk, max_chunks});
    chunks = std::max<std::int64_t>(chunks, 1);
    p.chunk_len = (length + chunks - 1) / chunks;
    p.chunks = (length + p.chunk_len - 1) / p.chunk_len;
    return p;
}

// What thread t of block (bx, chunk) reads: items k = k_begin, k_begin + lanes, ... < k_end of
// column i of slab o, starting at input offset `offset` and advancing by `step`; its lane q
// and column-in-block c place its partial in the block's shared array at q * cols + c. The
// block's result for column i goes to out_index. active is false for threads past the last
// column or the last full lane.
struct ColumnLane {
    bool active;
    std::int64_t q, c, i;
    std::int64_t k_begin, k_end;
    std::int64_t offset, step;
    std::int64_t out_index;
};
ANVIL_HD ColumnLane column_lane(const ColumnPlan& p, std::int64_t bx, std::int64_t chunk,
                                std::int64_t t) {
    ColumnLane l{};
    const std::int64_t o = bx / p.tiles;
    const std::int64_t tile = bx - o * p.tiles;
    l.q = t / p.cols;
    l.c = t - l.q * p.cols;
    l.i = tile * p.cols + l.c;
    l.active = l.q < p.lanes && l.i < p.inner;
    l.k_begin = chunk * p.chunk_len + l.q;
    const std::int64_t end = (chunk + 1) * p.chunk_len;
    l.k_end = end < p.length ? end : p.length;
    l.offset = (o * p.length + l.k_begin) * p.inner + l.i;
    l.step = p.lanes * p.inner;
    l.out_index = (o * p.chunks + chunk) * p.inner + l.i;
    return l;
}

template <typename T> struct SumOp {
    ANVIL_HD T operator()(T a, T b) const { return a + b; }
};
// Identity -inf / +inf; NaN in either operand gives NaN (as common::maximum / minimum).
template <typename T> struct MaxOp {
    ANVIL_HD T operator()(T a, T b) const { return maximum(a, b); }
};
template <typename T> struct MinOp {
    ANVIL_HD T operator()(T a, T b) const { return minimum(a, b); }
};

// A candidate for argmax: the index along the axis and the value there.
template <typename T> struct IndexedValue {
    std::int64_t index;
    T value;
};

// Orders candidates by value with NaN above everything, then by lower index. This is a total
// order, so the combine is associative and commutative as a parallel reduction needs, and its
// result is the first maximum (the first NaN when there is one). The identity is
// {INT64_MAX, -inf}.
template <typename T> struct ArgmaxOp {
    ANVIL_HD IndexedValue<T> operator()(const IndexedValue<T>& a,
                                        const IndexedValue<T>& b) const {
        const bool a_nan = is_nan(a.value);
        const bool b_nan = is_nan(b.value);
        if (a_nan != b_nan) return a_nan ? a : b;
        if (!a_nan && a.value != b.value) return a.value > b.value ? a : b;
        return a.index <= b.index ? a : b;
    }
};

}  // namespace anvil::common
