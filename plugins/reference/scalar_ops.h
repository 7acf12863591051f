// The element semantics of the reference backend, one scalar at a time. These few lines are
// the spec that every other backend must reproduce (the conformance suite checks them):
// how NaN flows through clip/maximum/minimum/relu/step, and a sigmoid that never overflows.
#pragma once

#include <algorithm>
#include <cmath>

#include "anvil/op.h"

namespace anvil::reference {

template <typename T> bool is_nan(T x) { return x != x; }

// sigmoid(x) = 1 / (1 + e^-x). Evaluating e^-x for x = -1000 overflows to inf; instead each
// branch only exponentiates a non-positive number, so it is finite for every finite x and
// saturates cleanly to exactly 0 or 1. NaN takes the second branch and stays NaN.
template <typename T> T sigmoid(T x) {
    if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
    const T z = std::exp(x);
    return z / (T(1) + z);
}

// relu(NaN) = NaN (as in PyTorch and NumPy): the comparison is false, so x passes through.
template <typename T> T relu(T x) { return x < T(0) ? T(0) : x; }

// Heaviside step, relu's derivative: 1 for x > 0, 0 for x <= 0 (PyTorch's convention at 0),
// NaN stays NaN so a NaN forward pass cannot hide behind a zero gradient.
template <typename T> T step(T x) {
    if (is_nan(x)) return x;
    return x > T(0) ? T(1) : T(0);
}

// Clamps to [lo, hi] (the core guarantees lo <= hi and neither is NaN). NaN passes through:
// both comparisons with NaN are false.
template <typename T> T clip(T x, T lo, T hi) { return x < lo ? lo : (x > hi ? hi : x); }

// NumPy's maximum/minimum: a NaN in either operand gives NaN. A bare `a > b ? a : b` would
// return b for (NaN, 1) but NaN for (1, NaN), so the result would depend on operand order.
template <typename T> T maximum(T a, T b) {
    if (is_nan(a)) return a;
    if (is_nan(b)) return b;
    return a > b ? a : b;
}
template <typename T> T minimum(T a, T b) {
    if (is_nan(a)) return a;
    if (is_nan(b)) return b;
    return a < b ? a : b;
}

// libm for the transcendental functions: the reference is as exact as the C library.
template <typename T> T apply_unary(UnaryOp op, T x) {
    switch (op) {
        case UnaryOp::neg: return -x;
        case UnaryOp::abs: return std::abs(x);
        case UnaryOp::exp: return std::exp(x);
        case UnaryOp::log: return std::log(x);  // log(0) = -inf, log(-1) = NaN
        case UnaryOp::sqrt: return std::sqrt(x);  // sqrt(-1) = NaN
        case UnaryOp::square: return x * x;
        case UnaryOp::sin: return std::sin(x);
        case UnaryOp::cos: return std::cos(x);
        case UnaryOp::tanh: return std::tanh(x);
        case UnaryOp::sigmoid: return sigmoid(x);
        case UnaryOp::relu: return relu(x);
        case UnaryOp::step: return step(x);
        // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): e^-|x| cannot overflow.
        case UnaryOp::softplus: return std::max(x, T(0)) + std::log1p(std::exp(-std::abs(x)));
    }
    return x;  // unreachable: the switch covers every UnaryOp
}

// IEEE arithmetic throughout: x / 0 = +-inf, 0 / 0 = NaN, inf - inf = NaN.
template <typename T> T apply_binary(BinaryOp op, T a, T b) {
    switch (op) {
        case BinaryOp::add: return a + b;
        case BinaryOp::sub: return a - b;
        case BinaryOp::mul: return a * b;
        case BinaryOp::div: return a / b;
        case BinaryOp::maximum: return maximum(a, b);
        case BinaryOp::minimum: return minimum(a, b);
    }
    return a;  // unreachable: the switch covers every BinaryOp
}

}  // namespace anvil::reference
