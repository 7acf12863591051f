// Reduction index math and combine operators (__host__ __device__ under nvcc), kept apart
// from the CUB launch code so that tests/cuda checks them on the CPU: the (outer, length,
// inner) gather order, max/min that propagate NaN, and argmax's "first maximum, NaN wins".
#pragma once

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
