// Elementwise kernels of the CPU backend: fill, unary ops, clip and affine. Contiguous chunks
// per thread; Eigen's vectorised exp/log/sin/cos/tanh where they compute the same function
// as libm, the shared scalar functors where NaN or overflow semantics are subtle.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "common/elementwise.h"
#include "cpu_device.h"
#include "parallel.h"

namespace anvil::cpu {

namespace {

template <typename T>
void fill_typed(Tensor& out, T value) {
    T* data = out.data_as<T>();
    parallel_elements(out.numel(), [&](Index begin, Index end, int) { std::fill(data + begin, data + end, value); });
}

// x, out: (n) contiguous; out may alias x.
template <typename T>
void unary_range(UnaryOp op, const T* x, T* out, Index n) {
    const ConstArrayMap<T> in(x, n);
    ArrayMap<T> res(out, n);
    switch (op) {
        case UnaryOp::neg: res = -in; return;
        case UnaryOp::abs: res = in.abs(); return;
        case UnaryOp::square: res = in.square(); return;
        case UnaryOp::exp: res = in.exp(); return;
        case UnaryOp::log: res = in.log(); return;
        case UnaryOp::sqrt:  // Eigen's fast-math sqrt is rsqrt-based: sqrt(inf) would be NaN
            for (Index i = 0; i < n; ++i) out[i] = std::sqrt(x[i]);
            return;
        case UnaryOp::sin: res = in.sin(); return;
        case UnaryOp::cos: res = in.cos(); return;
        case UnaryOp::tanh: res = in.tanh(); return;
        // sigmoid and softplus (overflow-free forms), relu and step (NaN passes through) use
        // the functors shared with the other backends.
        case UnaryOp::sigmoid:
            for (Index i = 0; i < n; ++i) out[i] = common::stable_sigmoid(x[i]);
            return;
        case UnaryOp::relu:
            for (Index i = 0; i < n; ++i) out[i] = common::relu(x[i]);
            return;
        case UnaryOp::step:
            for (Index i = 0; i < n; ++i) out[i] = common::step(x[i]);
            return;
        case UnaryOp::softplus:
            for (Index i = 0; i < n; ++i) out[i] = common::softplus(x[i]);
            return;
    }
}

}  // namespace

void CpuDevice::fill(Tensor& out, double value) {
    switch (out.dtype()) {
        case DType::f32: fill_typed(out, static_cast<float>(value)); return;
        case DType::f64: fill_typed(out, value); return;
        case DType::i64: fill_typed(out, static_cast<std::int64_t>(value)); return;
    }
}

void CpuDevice::unary(UnaryOp op, const Tensor& x, Tensor& out) {
    dispatch_float(op_name(op), x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* in = x.data_as<T>();
        T* res = out.data_as<T>();
        parallel_elements(x.numel(), [&](Index begin, Index end, int) {
            unary_range(op, in + begin, res + begin, end - begin);
        });
    });
}

void CpuDevice::clip(const Tensor& x, double lo, double hi, Tensor& out) {
    dispatch_float("clip", x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* in = x.data_as<T>();
        T* res = out.data_as<T>();
        const T l = static_cast<T>(lo), h = static_cast<T>(hi);
        parallel_elements(x.numel(), [&](Index begin, Index end, int) {
            for (Index i = begin; i < end; ++i) res[i] = common::clip(in[i], l, h);
        });
    });
}

void CpuDevice::affine(const Tensor& x, double a, double b, Tensor& out) {
    dispatch_float("affine", x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* in = x.data_as<T>();
        T* res = out.data_as<T>();
        const T ta = static_cast<T>(a), tb = static_cast<T>(b);
        parallel_elements(x.numel(), [&](Index begin, Index end, int) {
            ArrayMap<T>(res + begin, end - begin) = ta * ConstArrayMap<T>(in + begin, end - begin) + tb;
        });
    });
}

}  // namespace anvil::cpu
