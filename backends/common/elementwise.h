// Element functors shared by every backend that includes them (cpu, and cuda where nvcc
// compiles them as __host__ __device__), so that subtle semantics are defined once:
// NaN through clip/maximum/minimum/relu, the overflow-free sigmoid and softplus, relu's
// derivative at 0,
// and the Adam step. Tested on the host by tests/core/test_elementwise_functors.cpp.
#pragma once

#include <cmath>
#include <cstdint>

#include "anvil/op.h"

#if defined(__CUDACC__)
#define ANVIL_HD __host__ __device__ __forceinline__
#else
#define ANVIL_HD inline
#endif

namespace anvil::common {

template <typename T> ANVIL_HD bool is_nan(T x) { return x != x; }

// exp of a non-positive number never overflows, so each branch is finite for any finite x
// and the result saturates cleanly to 0 or 1.
template <typename T> ANVIL_HD T stable_sigmoid(T x) {
    if (x >= T(0)) {
        const T z = std::exp(-x);
        return T(1) / (T(1) + z);
    }
    const T z = std::exp(x);
    return z / (T(1) + z);
}

// relu(NaN) = NaN (as in PyTorch and NumPy), relu(-0) = -0.
template <typename T> ANVIL_HD T relu(T x) { return x < T(0) ? T(0) : x; }
// Heaviside step, relu's derivative: 0 at x == 0 (PyTorch's convention), NaN stays NaN.
template <typename T> ANVIL_HD T step(T x) { return is_nan(x) ? x : (x > T(0) ? T(1) : T(0)); }

// log(1 + e^x) as max(x, 0) + log1p(e^-|x|): e^-|x| <= 1 never overflows, so softplus(100) is
// 100 rather than inf, and log1p keeps softplus(-100) = e^-100 accurate instead of 0 from
// log(1 + tiny). NaN stays NaN.
template <typename T> ANVIL_HD T softplus(T x) {
    return (x > T(0) ? x : T(0)) + std::log1p(std::exp(-std::abs(x)));
}

// NaN passes through unchanged: comparisons with NaN are false.
template <typename T> ANVIL_HD T clip(T x, T lo, T hi) { return x < lo ? lo : (x > hi ? hi : x); }

// NumPy's maximum/minimum: NaN in either operand gives NaN.
template <typename T> ANVIL_HD T maximum(T a, T b) {
    if (is_nan(a) || is_nan(b)) return is_nan(a) ? a : b;
    return a > b ? a : b;
}
template <typename T> ANVIL_HD T minimum(T a, T b) {
    if (is_nan(a) || is_nan(b)) return is_nan(a) ? a : b;
    return a < b ? a : b;
}

template <typename T> ANVIL_HD T apply_unary(UnaryOp op, T x) {
    switch (op) {
        case UnaryOp::neg: return -x;
        case UnaryOp::abs: return std::abs(x);
        case UnaryOp::exp: return std::exp(x);
        case UnaryOp::log: return std::log(x);
        case UnaryOp::sqrt: return std::sqrt(x);
        case UnaryOp::square: return x * x;
        case UnaryOp::sin: return std::sin(x);
        case UnaryOp::cos: return std::cos(x);
        case UnaryOp::tanh: return std::tanh(x);
        case UnaryOp::sigmoid: return stable_sigmoid(x);
        case UnaryOp::relu: return relu(x);
        case UnaryOp::step: return step(x);
        case UnaryOp::softplus: return softplus(x);
    }
    return x;
}

template <typename T> ANVIL_HD T apply_binary(BinaryOp op, T a, T b) {
    switch (op) {
        case BinaryOp::add: return a + b;
        case BinaryOp::sub: return a - b;
        case BinaryOp::mul: return a * b;
        case BinaryOp::div: return a / b;
        case BinaryOp::maximum: return maximum(a, b);
        case BinaryOp::minimum: return minimum(a, b);
    }
    return a;
}

// Activation value and its derivative with respect to the pre-activation z = x w^T + b.
// For sine, y = sin(omega z) and dy/dz = omega cos(omega z).
template <typename T> struct ActValue {
    T y;
    T dy_dz;
};
template <typename T> ANVIL_HD ActValue<T> apply_activation(Activation act, T omega, T z) {
    switch (act) {
        case Activation::identity: return {z, T(1)};
        case Activation::sine: {
            const T s = omega * z;
            return {std::sin(s), omega * std::cos(s)};
        }
        case Activation::relu: return {relu(z), step(z)};
        case Activation::tanh: {
            const T t = std::tanh(z);
            return {t, T(1) - t * t};
        }
        case Activation::sigmoid: {
            const T s = stable_sigmoid(z);
            return {s, s * (T(1) - s)};
        }
    }
    return {z, T(1)};
}

// Bias-corrected Adam for one element. The coefficients are computed once per step in double
// and only then rounded to T: 1 - beta2 computed in f32 from a rounded 0.999f is off by 1e-5
// relative, which the conformance suite sees in v.
template <typename T> struct AdamCoefficients {
    T lr, beta1, beta2, one_minus_beta1, one_minus_beta2, eps, c1, c2;
};
template <typename T>
inline AdamCoefficients<T> adam_coefficients(double lr, double beta1, double beta2, double eps,
                                             std::int64_t step) {
    const double t = static_cast<double>(step);
    return {T(lr), T(beta1), T(beta2), T(1.0 - beta1), T(1.0 - beta2), T(eps),
            T(1.0 / (1.0 - std::pow(beta1, t))), T(1.0 / (1.0 - std::pow(beta2, t)))};
}
template <typename T>
ANVIL_HD void adam_step(T& p, T g, T& m, T& v, const AdamCoefficients<T>& k) {
    m = k.beta1 * m + k.one_minus_beta1 * g;
    v = k.beta2 * v + k.one_minus_beta2 * (g * g);
    const T m_hat = m * k.c1;
    const T v_hat = v * k.c2;
    p -= k.lr * m_hat / (std::sqrt(v_hat) + k.eps);
}

// Row-major broadcast indexing: the offsets into a and b of output element `i`, with the
// division and remainder done in Index: std::int64_t always works; std::uint32_t is exact
// when the output has fewer than 2^31 elements (every operand offset is then smaller too),
// and GPUs divide 32-bit integers several times faster than 64-bit ones.
struct OperandOffsets {
    std::int64_t a;
    std::int64_t b;
};
template <typename Index, typename Geometry>
ANVIL_HD OperandOffsets broadcast_offsets_in(const Geometry& g, Index i) {
    Index a = 0, b = 0;
    for (int d = g.rank - 1; d >= 0; --d) {
        const Index dim = static_cast<Index>(g.out_dims[d]);
        const Index idx = i % dim;
        i /= dim;
        a += idx * static_cast<Index>(g.a_strides[d]);
        b += idx * static_cast<Index>(g.b_strides[d]);
    }
    return {static_cast<std::int64_t>(a), static_cast<std::int64_t>(b)};
}
template <typename Geometry>
ANVIL_HD OperandOffsets broadcast_offsets(const Geometry& g, std::int64_t i) {
    return broadcast_offsets_in<std::int64_t>(g, i);
}

}  // namespace anvil::common
