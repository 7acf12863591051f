// The public ops: free functions that validate shapes, dtypes, devices and capabilities, then
// dispatch to the operands' device. Errors name the op and the operands:
//   "[matmul] inner dimensions differ: (3,4) x (5,6)".
// Functions returning a Tensor allocate their result on the operands' device; the *_into
// forms write into a caller-owned tensor (no allocation, for training loops). An *_into
// output may alias an input of the same shape.
#pragma once

#include <optional>
#include <span>

#include "anvil/device.h"
#include "anvil/op.h"
#include "anvil/tensor.h"

namespace anvil {

// --- fill / copy ---------------------------------------------------------------------------
ANVIL_EXPORT void fill_(Tensor& out, double value);
// dst must match src in shape and dtype; devices may differ (host staging between backends).
ANVIL_EXPORT void copy_into(const Tensor& src, Tensor& dst);

// --- matmul / gemm ---------------------------------------------------------------------------
// a: (M, K) (or (K, M) with trans_a), b: (K, N) (or (N, K) with trans_b) -> (M, N)
ANVIL_EXPORT Tensor matmul(const Tensor& a, const Tensor& b, bool trans_a = false,
                           bool trans_b = false);
// c = alpha * op(a) @ op(b) + beta * c
ANVIL_EXPORT void gemm(bool trans_a, bool trans_b, double alpha, const Tensor& a,
                       const Tensor& b, double beta, Tensor& c);

// --- unary -----------------------------------------------------------------------------------
ANVIL_EXPORT Tensor unary(UnaryOp op, const Tensor& x);
ANVIL_EXPORT void unary_into(UnaryOp op, const Tensor& x, Tensor& out);
// One function per unary op of the table in op.h: neg(x), abs(x), exp(x), log(x), sqrt(x),
// square(x), sin(x), cos(x), tanh(x), sigmoid(x), relu(x), step(x) (1 where x > 0, else 0),
// softplus(x) (log(1 + e^x)), each = unary(UnaryOp::<name>, x).
#define ANVIL_DECLARE_UNARY_(name, id) ANVIL_EXPORT Tensor name(const Tensor& x);
ANVIL_UNARY_OPS(ANVIL_DECLARE_UNARY_)
#undef ANVIL_DECLARE_UNARY_
// Throws "[clip] lo (2) > hi (1)" when lo > hi or either bound is NaN.
ANVIL_EXPORT Tensor clip(const Tensor& x, double lo, double hi);
ANVIL_EXPORT void clip_into(const Tensor& x, double lo, double hi, Tensor& out);
// a * x + b
ANVIL_EXPORT Tensor affine(const Tensor& x, double a, double b);
ANVIL_EXPORT void affine_into(const Tensor& x, double a, double b, Tensor& out);

// --- binary, NumPy broadcasting ---------------------------------------------------------------
ANVIL_EXPORT Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b);
// out must have the broadcast shape of a and b.
ANVIL_EXPORT void binary_into(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out);
// One function per binary op of the table: add, sub, mul, div, maximum, minimum (NumPy's:
// NaN in either operand gives NaN), each = binary(BinaryOp::<name>, a, b).
#define ANVIL_DECLARE_BINARY_(name, id) ANVIL_EXPORT Tensor name(const Tensor& a, const Tensor& b);
ANVIL_BINARY_OPS(ANVIL_DECLARE_BINARY_)
#undef ANVIL_DECLARE_BINARY_

// --- reductions ------------------------------------------------------------------------------
// axis empty: over all elements (a scalar, or all-ones shape with keepdims).
ANVIL_EXPORT Tensor reduce(ReduceOp op, const Tensor& x, std::optional<int> axis = std::nullopt,
                           bool keepdims = false);
// One function per reduction of the table: sum, mean, max, min, each = reduce(ReduceOp::<name>,
// x, axis, keepdims).
#define ANVIL_DECLARE_REDUCE_(name, id)                                                 \
    ANVIL_EXPORT Tensor name(const Tensor& x, std::optional<int> axis = std::nullopt, \
                             bool keepdims = false);
ANVIL_REDUCE_OPS(ANVIL_DECLARE_REDUCE_)
#undef ANVIL_DECLARE_REDUCE_
// i64 indices of the first maximum along axis.
ANVIL_EXPORT Tensor argmax(const Tensor& x, int axis, bool keepdims = false);

// --- layout ----------------------------------------------------------------------------------
// (R, C) -> (C, R), materialised.
ANVIL_EXPORT Tensor transpose(const Tensor& x);

// --- composites (see Device for the exact math) ----------------------------------------------
ANVIL_EXPORT void linear_act_forward(Activation act, double omega, const Tensor& x,
                                     const Tensor& w, const Tensor* b, Tensor& y, Tensor* dact);
ANVIL_EXPORT void linear_act_backward(const Tensor& x, const Tensor& w, const Tensor& dy,
                                      const Tensor* dact, Tensor* dx, Tensor& dw, Tensor* db);
ANVIL_EXPORT void mse_loss_grad(const Tensor& pred, const Tensor& target, Tensor& loss,
                                Tensor* grad);
ANVIL_EXPORT void adam_update(std::span<const AdamSlot> slots, const AdamParams& params);
ANVIL_EXPORT void sgd_update(std::span<const SgdSlot> slots, const SgdParams& params);

}  // namespace anvil
