// Elementwise primitives: fill, unary, clip, affine and the broadcasting binary ops. Each is
// one plain loop over the output; the core has already checked shapes, dtypes and devices,
// and an output may alias an input of the same shape (each element is read before written).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "reference_device.h"
#include "scalar_ops.h"

namespace anvil::reference {

namespace {

// out[i] = f(x[i]) for every element; f is a generic lambda, instantiated for float and double.
template <typename F> void map_elements(const char* op, const Tensor& x, Tensor& out, F f) {
    dispatch_float(op, x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* in = x.data_as<T>();
        T* dst = out.data_as<T>();
        for (std::int64_t i = 0; i < x.numel(); ++i) dst[i] = f(in[i]);
    });
}

// Where output element i (row-major over geometry.out_dims) reads its operands: peel off
// one coordinate per dimension, innermost first. A broadcast dimension has stride 0, so
// every coordinate along it reads the same operand element.
struct OperandOffsets {
    std::int64_t a = 0;
    std::int64_t b = 0;
};
OperandOffsets broadcast_offsets(const BroadcastGeometry& g, std::int64_t i) {
    OperandOffsets off;
    for (int d = g.rank - 1; d >= 0; --d) {
        const std::int64_t coord = i % g.out_dims[d];
        i /= g.out_dims[d];
        off.a += coord * g.a_strides[d];
        off.b += coord * g.b_strides[d];
    }
    return off;
}

}  // namespace

// f32/f64: value rounded to the element type. i64 (argmax results): truncated toward zero;
// a value no int64 can hold (NaN, inf, 1e300) is refused rather than left to undefined
// behaviour in the conversion.
void ReferenceDevice::fill(Tensor& out, double value) {
    const std::int64_t n = out.numel();
    if (out.dtype() == DType::i64) {
        // 2^63 is exactly representable as a double; int64 holds [-2^63, 2^63).
        constexpr double limit = 9223372036854775808.0;
        if (!(value >= -limit && value < limit)) {
            char text[32];
            std::snprintf(text, sizeof text, "%g", value);
            throw Error(std::string("[fill] ") + text + " does not fit in an i64 tensor");
        }
        auto* dst = out.data_as<std::int64_t>();
        for (std::int64_t i = 0; i < n; ++i) dst[i] = static_cast<std::int64_t>(value);
        return;
    }
    dispatch_float("fill", out.dtype(), [&](auto zero) {
        using T = decltype(zero);
        T* dst = out.data_as<T>();
        for (std::int64_t i = 0; i < n; ++i) dst[i] = static_cast<T>(value);
    });
}

// x, out: same shape (any rank).
void ReferenceDevice::unary(UnaryOp op, const Tensor& x, Tensor& out) {
    map_elements(op_name(op), x, out, [op](auto v) { return apply_unary(op, v); });
}

// out = min(max(x, lo), hi) with NaN passing through (scalar_ops.h).
void ReferenceDevice::clip(const Tensor& x, double lo, double hi, Tensor& out) {
    map_elements("clip", x, out, [lo, hi](auto v) {
        using T = decltype(v);
        return reference::clip(v, static_cast<T>(lo), static_cast<T>(hi));
    });
}

// out = a * x + b, evaluated in double and rounded once: for f32 this is the most exact
// answer, which is what a reference is for (a fast backend computing in f32 stays well inside
// the conformance tolerance).
void ReferenceDevice::affine(const Tensor& x, double a, double b, Tensor& out) {
    map_elements("affine", x, out, [a, b](auto v) {
        using T = decltype(v);
        return static_cast<T>(a * static_cast<double>(v) + b);
    });
}

// out: the broadcast shape, geometry.numel elements. The core computed the geometry (NumPy
// rules, contiguous dimensions merged), so this loop never reasons about shapes itself.
void ReferenceDevice::binary(BinaryOp op, const BroadcastGeometry& geometry, const Tensor& a,
                             const Tensor& b, Tensor& out) {
    dispatch_float(op_name(op), a.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* pa = a.data_as<T>();
        const T* pb = b.data_as<T>();
        T* dst = out.data_as<T>();
        for (std::int64_t i = 0; i < geometry.numel; ++i) {
            const OperandOffsets off = broadcast_offsets(geometry, i);
            dst[i] = apply_binary(op, pa[off.a], pb[off.b]);
        }
    });
}

}  // namespace anvil::reference
