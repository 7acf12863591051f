// The op vocabulary shared by the core, every backend and the capability query
// Device::supports(op, dtype). Geometry structs describe an op's index space so that backends
// never re-derive broadcasting or reduction layouts themselves.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "anvil/export.h"
#include "anvil/shape.h"

namespace anvil {

// step(x) = 1 for x > 0, else 0 (NaN stays NaN): relu's derivative, PyTorch's convention at 0.
enum class UnaryOp : std::uint8_t {
    neg, abs, exp, log, sqrt, square, sin, cos, tanh, sigmoid, relu, step
};
enum class BinaryOp : std::uint8_t { add, sub, mul, div, maximum, minimum };
enum class ReduceOp : std::uint8_t { sum, mean, max, min };

// Elementwise activations the composite linear ops fuse after the affine map.
enum class Activation : std::uint8_t { identity, sine, relu, tanh, sigmoid };

// Every op a backend can be asked about. Composite ops have core defaults built from
// primitives, so a backend that supports the primitives supports them too.
enum class Op : std::uint16_t {
    fill, copy, gemm,
    neg, abs, exp, log, sqrt, square, sin, cos, tanh, sigmoid, relu, step,
    clip, affine,
    add, sub, mul, div, maximum, minimum,
    sum, mean, max, min, argmax,
    transpose,
    linear_act_forward, linear_act_backward, mse_loss_grad, adam_update, sgd_update,
    count_  // not an op: the number of ops
};

constexpr int kOpCount = static_cast<int>(Op::count_);

ANVIL_EXPORT const char* op_name(Op op);
ANVIL_EXPORT const char* op_name(UnaryOp op);
ANVIL_EXPORT const char* op_name(BinaryOp op);
ANVIL_EXPORT const char* op_name(ReduceOp op);
ANVIL_EXPORT const char* activation_name(Activation act);
ANVIL_EXPORT Activation parse_activation(const std::string& name);  // throws on unknown

ANVIL_EXPORT Op to_op(UnaryOp op);
ANVIL_EXPORT Op to_op(BinaryOp op);
ANVIL_EXPORT Op to_op(ReduceOp op);
ANVIL_EXPORT bool is_composite(Op op);

// NumPy broadcasting of two operands to one output, padded on the left to a common rank.
// Element i of the output (row-major over out_dims) reads a at sum(idx[d] * a_strides[d]) and
// b likewise; a broadcast dimension has stride 0. Trailing dimensions that are contiguous in
// all three are merged, so the common "(N,C) + (C)" case becomes rank 2 and "(N,C)+(N,C)" rank 1.
struct BroadcastGeometry {
    int rank = 0;
    std::array<std::int64_t, Shape::kMaxRank> out_dims{};
    std::array<std::int64_t, Shape::kMaxRank> a_strides{};
    std::array<std::int64_t, Shape::kMaxRank> b_strides{};
    std::int64_t numel = 0;
};

// Computes the broadcast of a and b, or throws "[op] shapes (2,3) and (4,3) cannot be broadcast".
ANVIL_EXPORT BroadcastGeometry broadcast_geometry(const char* op, const Shape& a, const Shape& b);
// The output shape of broadcasting a and b (unmerged, for the result tensor).
ANVIL_EXPORT Shape broadcast_shape(const char* op, const Shape& a, const Shape& b);

// A reduction viewed as a 3-D index space (outer, length, inner): element (o, k, i) of the
// input is at (o * length + k) * inner + i and reduces into output (o, i) at o * inner + i.
// A reduction over all elements is outer = inner = 1, length = numel.
struct ReduceGeometry {
    std::int64_t outer = 1;
    std::int64_t length = 0;
    std::int64_t inner = 1;
};

}  // namespace anvil
