// Reductions (sum, mean, max, min) and argmax. The core describes every reduction as a 3-D
// index space x: (outer, length, inner) reducing to out: (outer, inner), so one pair of loops
// serves "over all elements" (outer = inner = 1) and "along axis d" alike.
#include <cstdint>

#include "reference_device.h"
#include "scalar_ops.h"

namespace anvil::reference {

namespace {

// Offset of element (o, k, i) of the input.
std::int64_t input_offset(const ReduceGeometry& g, std::int64_t o, std::int64_t k,
                          std::int64_t i) {
    return (o * g.length + k) * g.inner + i;
}

// Reduces the `length` elements x(o, 0..length-1, i).
// sum/mean accumulate in double whatever the element type: for f32 that makes the
// reference far more accurate than the tolerance it holds fast backends to. The sum of zero
// elements is 0 and their mean is 0/0 = NaN. max/min propagate NaN like NumPy's np.max; the
// core refuses them on zero elements, which have no identity.
template <typename T>
T reduce_lane(ReduceOp op, const ReduceGeometry& g, const T* x, std::int64_t o, std::int64_t i) {
    switch (op) {
        case ReduceOp::sum:
        case ReduceOp::mean: {
            double acc = 0.0;
            for (std::int64_t k = 0; k < g.length; ++k)
                acc += static_cast<double>(x[input_offset(g, o, k, i)]);
            if (op == ReduceOp::mean) acc /= static_cast<double>(g.length);
            return static_cast<T>(acc);
        }
        case ReduceOp::max:
        case ReduceOp::min: {
            T acc = x[input_offset(g, o, 0, i)];
            for (std::int64_t k = 1; k < g.length; ++k) {
                const T v = x[input_offset(g, o, k, i)];
                acc = op == ReduceOp::max ? maximum(acc, v) : minimum(acc, v);
            }
            return acc;
        }
    }
    return T(0);  // unreachable: the switch covers every ReduceOp
}

}  // namespace

// x: (outer, length, inner) -> out: (outer, inner)
void ReferenceDevice::reduce(ReduceOp op, const ReduceGeometry& geometry, const Tensor& x,
                             Tensor& out) {
    dispatch_float(op_name(op), x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* in = x.data_as<T>();
        T* dst = out.data_as<T>();
        for (std::int64_t o = 0; o < geometry.outer; ++o)
            for (std::int64_t i = 0; i < geometry.inner; ++i)
                dst[o * geometry.inner + i] = reduce_lane(op, geometry, in, o, i);
    });
}

// x: (outer, length, inner) -> out (i64): (outer, inner), the index k of the first maximum.
// NaN counts as the maximum, so the first NaN wins (NumPy's argmax); length >= 1 is checked
// by the core.
void ReferenceDevice::argmax(const ReduceGeometry& geometry, const Tensor& x, Tensor& out) {
    dispatch_float("argmax", x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* in = x.data_as<T>();
        auto* dst = out.data_as<std::int64_t>();
        for (std::int64_t o = 0; o < geometry.outer; ++o) {
            for (std::int64_t i = 0; i < geometry.inner; ++i) {
                std::int64_t best = 0;
                T best_value = in[input_offset(geometry, o, 0, i)];
                for (std::int64_t k = 1; k < geometry.length && !is_nan(best_value); ++k) {
                    const T v = in[input_offset(geometry, o, k, i)];
                    if (is_nan(v) || v > best_value) {
                        best = k;
                        best_value = v;
                    }
                }
                dst[o * geometry.inner + i] = best;
            }
        }
    });
}

}  // namespace anvil::reference
