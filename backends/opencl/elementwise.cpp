// Elementwise primitives: fill (clEnqueueFillBuffer, any dtype), the unary ops, clip, affine,
// the broadcasting binary ops and transpose2d, each one kernel launch of the dtype's program
// (kernels/elementwise.cl). Scalars are rounded to the element type on the host, as the cpu
// and cuda backends do.
#include <cstdio>

#include "anvil/dispatch.h"
#include "cl_error.h"
#include "opencl_device.h"

namespace anvil::opencl {

namespace {

std::size_t count(const Tensor& t) { return static_cast<std::size_t>(t.numel()); }

}  // namespace

// f32/f64: value rounded to the element type. i64 (argmax results): truncated toward zero;
// a value no int64 holds (NaN, inf, 1e300) is refused, as by the reference backend.
void OpenclDevice::fill(Tensor& out, double value) {
    if (out.numel() == 0) return;
    const auto fill_with = [&](const auto pattern) {
        check(cl().clEnqueueFillBuffer(queue_, mem(out), &pattern, sizeof(pattern), 0,
                                       out.nbytes(), 0, nullptr, nullptr),
              "clEnqueueFillBuffer", "fill", name_ + ", " + out.describe());
    };
    if (out.dtype() == DType::i64) {
        constexpr double limit = 9223372036854775808.0;  // 2^63
        if (!(value >= -limit && value < limit)) {
            char text[32];
            std::snprintf(text, sizeof text, "%g", value);
            throw Error(std::string("[fill] ") + text + " does not fit in an i64 tensor");
        }
        fill_with(static_cast<cl_long>(value));
        return;
    }
    dispatch_float("fill", out.dtype(), [&](auto zero) {
        fill_with(static_cast<decltype(zero)>(value));
    });
}

void OpenclDevice::unary(UnaryOp op, const Tensor& x, Tensor& out) {
    const cl_int id = static_cast<cl_int>(to_op(op));
    run(op_name(op), x.dtype(), "unary_op", count(x), 0, mem(x), mem(out),
        static_cast<cl_long>(x.numel()), id);
}

void OpenclDevice::clip(const Tensor& x, double lo, double hi, Tensor& out) {
    dispatch_float("clip", x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        run("clip", x.dtype(), "clip_op", count(x), 0, mem(x), mem(out),
            static_cast<cl_long>(x.numel()), static_cast<T>(lo), static_cast<T>(hi));
    });
}

void OpenclDevice::affine(const Tensor& x, double a, double b, Tensor& out) {
    dispatch_float("affine", x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        run("affine", x.dtype(), "affine_op", count(x), 0, mem(x), mem(out),
            static_cast<cl_long>(x.numel()), static_cast<T>(a), static_cast<T>(b));
    });
}

void OpenclDevice::binary(BinaryOp op, const BroadcastGeometry& g, const Tensor& a,
                          const Tensor& b, Tensor& out) {
    cl_long8 dims{}, a_strides{}, b_strides{};
    for (int d = 0; d < g.rank; ++d) {
        dims.s[d] = g.out_dims[static_cast<std::size_t>(d)];
        a_strides.s[d] = g.a_strides[static_cast<std::size_t>(d)];
        b_strides.s[d] = g.b_strides[static_cast<std::size_t>(d)];
    }
    run(op_name(op), out.dtype(), "binary_op", static_cast<std::size_t>(g.numel), 0, mem(a),
        mem(b), mem(out), static_cast<cl_long>(g.numel), static_cast<cl_int>(to_op(op)),
        static_cast<cl_int>(g.rank), dims, a_strides, b_strides);
}

// x: (R, C) -> out: (C, R), 16 x 16 tiles (kernels/elementwise.cl).
void OpenclDevice::transpose_buffers(const char* op, DType dtype, cl_mem x, cl_mem out,
                                     std::int64_t rows, std::int64_t cols) {
    const std::size_t global[2] = {static_cast<std::size_t>(cols), static_cast<std::size_t>(rows)};
    const std::size_t local[2] = {16, 16};
    run_nd(op, dtype, "transpose_op", 2, global, local, x, out, static_cast<cl_long>(rows),
           static_cast<cl_long>(cols));
}

void OpenclDevice::transpose2d(const Tensor& x, Tensor& out) {
    transpose_buffers("transpose", x.dtype(), mem(x), mem(out), x.shape()[0], x.shape()[1]);
}

}  // namespace anvil::opencl
