// Float64 reference of the reductions (sum, mean, max, min) and argmax, over all elements or
// one axis, as (outer, length, inner) loops over the row-major input.
#include <cmath>
#include <stdexcept>

#include "support/reference.h"

namespace anvil::test::ref {

namespace {
struct Slices {
    std::int64_t outer = 1, length = 0, inner = 1;
    Shape out_shape;
};

Slices slices(const Shape& shape, std::optional<int> axis, bool keepdims) {
    Slices s;
    std::vector<std::int64_t> dims;
    if (!axis) {
        s.length = shape.numel();
        if (keepdims) dims.assign(static_cast<std::size_t>(shape.rank()), 1);
    } else {
        const int ax = *axis < 0 ? *axis + shape.rank() : *axis;
        if (ax < 0 || ax >= shape.rank())
            throw std::invalid_argument("[ref::reduce] axis out of range");
        for (int d = 0; d < ax; ++d) s.outer *= shape[d];
        for (int d = ax + 1; d < shape.rank(); ++d) s.inner *= shape[d];
        s.length = shape[ax];
        for (int d = 0; d < shape.rank(); ++d) {
            if (d != ax)
                dims.push_back(shape[d]);
            else if (keepdims)
                dims.push_back(1);
        }
    }
    s.out_shape = Shape(std::move(dims));
    return s;
}

double reduce_slice(ReduceOp op, const HostTensor& x, const Slices& s, std::int64_t o,
                    std::int64_t i) {
    auto at = [&](std::int64_t k) { return x[(o * s.length + k) * s.inner + i]; };
    switch (op) {
        case ReduceOp::sum:
        case ReduceOp::mean: {
            double acc = 0.0;
            for (std::int64_t k = 0; k < s.length; ++k) acc += at(k);
            return op == ReduceOp::sum ? acc : acc / static_cast<double>(s.length);
        }
        case ReduceOp::max:
        case ReduceOp::min: {
            if (s.length == 0) throw std::invalid_argument("[ref::reduce] max/min of nothing");
            double best = at(0);
            for (std::int64_t k = 0; k < s.length; ++k) {
                const double v = at(k);
                if (std::isnan(v)) return v;
                if (op == ReduceOp::max ? v > best : v < best) best = v;
            }
            return best;
        }
    }
    throw std::invalid_argument("[ref::reduce] unknown op");
}
}  // namespace

HostTensor reduce(ReduceOp op, const HostTensor& x, std::optional<int> axis, bool keepdims) {
    const Slices s = slices(x.shape, axis, keepdims);
    HostTensor out(s.out_shape);
    for (std::int64_t o = 0; o < s.outer; ++o)
        for (std::int64_t i = 0; i < s.inner; ++i)
            out[o * s.inner + i] = reduce_slice(op, x, s, o, i);
    return out;
}

HostTensor reduce_magnitude(const HostTensor& x, std::optional<int> axis, bool keepdims) {
    return reduce(ReduceOp::sum, abs_of(x), axis, keepdims);
}

HostTensor argmax(const HostTensor& x, int axis, bool keepdims) {
    const Slices s = slices(x.shape, axis, keepdims);
    if (s.length == 0) throw std::invalid_argument("[ref::argmax] empty axis");
    HostTensor out(s.out_shape);
    for (std::int64_t o = 0; o < s.outer; ++o) {
        for (std::int64_t i = 0; i < s.inner; ++i) {
            std::int64_t best = 0;
            for (std::int64_t k = 0; k < s.length; ++k) {
                const double v = x[(o * s.length + k) * s.inner + i];
                const double b = x[(o * s.length + best) * s.inner + i];
                if (std::isnan(b)) break;
                if (std::isnan(v) || v > b) best = k;
            }
            out[o * s.inner + i] = static_cast<double>(best);
        }
    }
    return out;
}

}  // namespace anvil::test::ref
