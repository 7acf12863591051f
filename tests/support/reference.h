// The float64 host reference of every anvil op: plain loops, written from the op's definition
// in anvil/device.h and NumPy's semantics, sharing no code with core or any backend (not even
// backends/common), so that a bug there cannot hide in the spec it is checked against.
#pragma once

#include <cstdint>
#include <optional>

#include "anvil/device.h"
#include "anvil/op.h"
#include "support/host_tensor.h"

namespace anvil::test::ref {

// --- elementwise (reference_elementwise.cpp) ------------------------------------------------
// NaN propagates through every op; relu(NaN) = NaN; step(x) = 1 for x > 0, 0 otherwise, NaN
// stays NaN; sigmoid saturates to exactly 0 or 1 without overflow.
double unary(UnaryOp op, double x);
HostTensor unary(UnaryOp op, const HostTensor& x);
// min(max(x, lo), hi) with NaN passing through.
HostTensor clip(const HostTensor& x, double lo, double hi);
// a * x + b
HostTensor affine(const HostTensor& x, double a, double b);
// NumPy maximum/minimum: NaN in either operand gives NaN.
double binary(BinaryOp op, double a, double b);
// NumPy broadcasting; throws std::invalid_argument for incompatible shapes.
Shape broadcast_shape(const Shape& a, const Shape& b);
HostTensor binary(BinaryOp op, const HostTensor& a, const HostTensor& b);

// --- reductions (reference_reduce.cpp) --------------------------------------------------------
// axis empty: all elements. sum of nothing is 0, mean of nothing NaN; max/min propagate NaN
// (NumPy) and must not be asked for zero elements.
HostTensor reduce(ReduceOp op, const HostTensor& x, std::optional<int> axis, bool keepdims);
// Sum of |x| over the same slices, the magnitude an accumulation error is bounded by.
HostTensor reduce_magnitude(const HostTensor& x, std::optional<int> axis, bool keepdims);
// Index of the first maximum along axis; NaN counts as the maximum (the first NaN wins).
HostTensor argmax(const HostTensor& x, int axis, bool keepdims);

// --- linear algebra (reference_linalg.cpp) -----------------------------------------------------
// x: (R, C) -> (C, R)
HostTensor transpose(const HostTensor& x);
// c = alpha * op(a) @ op(b) + beta * c; op(a): (M, K), op(b): (K, N), c: (M, N).
// beta == 0 ignores c (NaN included), as BLAS does.
void gemm(bool trans_a, bool trans_b, double alpha, const HostTensor& a, const HostTensor& b,
          double beta, HostTensor& c);
// |alpha| * |op(a)| @ |op(b)| + |beta| * |c| (beta == 0: no c term): the magnitude that bounds
// the rounding error of any summation order of gemm.
HostTensor gemm_magnitude(bool trans_a, bool trans_b, double alpha, const HostTensor& a,
                          const HostTensor& b, double beta, const HostTensor& c);

// --- composites (reference_composite.cpp) --------------------------------------------------------
struct LinearForward {
    HostTensor z;          // (N, out): x w^T + b, before the activation (and before omega)
    HostTensor y;          // (N, out): act(omega z) for sine, act(z) otherwise
    HostTensor dact;       // (N, out): dy/dz
    HostTensor magnitude;  // (N, out): sum_k |x_nk w_jk| + |b_j|, bounds z's rounding error
};
// x: (N, in), w: (out, in), b: (out) or null
LinearForward linear_act_forward(Activation act, double omega, const HostTensor& x,
                                 const HostTensor& w, const HostTensor* b);

struct LinearBackward {
    HostTensor g;   // (N, out): dy * dact
    HostTensor dx;  // (N, in) = g w
    HostTensor dw;  // (out, in) = g^T x
    HostTensor db;  // (out) = column sums of g
};
LinearBackward linear_act_backward(const HostTensor& x, const HostTensor& w, const HostTensor& dy,
                                   const HostTensor* dact);

struct MseResult {
    double loss = 0.0;  // mean((pred - target)^2)
    HostTensor grad;    // 2 (pred - target) / numel
};
MseResult mse_loss_grad(const HostTensor& pred, const HostTensor& target);

// One bias-corrected Adam step (params.step is 1-based), in place.
void adam_update(HostTensor& param, const HostTensor& grad, HostTensor& m, HostTensor& v,
                 const AdamParams& params);
// v = momentum v + g; p -= lr v. Momentum 0: p -= lr g, velocity untouched (may be null).
void sgd_update(HostTensor& param, const HostTensor& grad, HostTensor* velocity,
                const SgdParams& params);

}  // namespace anvil::test::ref
