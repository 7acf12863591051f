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

// The op table: every op is declared once, here, as X(name, id) in its family's list, and
// everything else is generated from these lists (the enums below, names, to_op, is_composite,
// the public wrappers in ops.h, the CUDA backend's dispatch) or checked against them at compile
// time (backends switch over the family enums without `default:`; -Werror=switch names a
// missing case). `id` is the op's value in Op and never changes: a new op takes the next free
// id (kOpCount) and goes at the END of its family's list, so no existing enum value moves
// (plugin.h says what needs an ABI bump).
//   step(x) = 1 for x > 0, else 0 (NaN stays NaN): relu's derivative, PyTorch's convention at 0.
//   softplus(x) = log(1 + e^x), computed without overflow for large |x|.
#define ANVIL_UNARY_OPS(X)                                                                  \
    X(neg, 3) X(abs, 4) X(exp, 5) X(log, 6) X(sqrt, 7) X(square, 8) X(sin, 9) X(cos, 10)    \
    X(tanh, 11) X(sigmoid, 12) X(relu, 13) X(step, 14) X(softplus, 34)
#define ANVIL_BINARY_OPS(X) X(add, 17) X(sub, 18) X(mul, 19) X(div, 20) X(maximum, 21) X(minimum, 22)
#define ANVIL_REDUCE_OPS(X) X(sum, 23) X(mean, 24) X(max, 25) X(min, 26)
// Ops that are their own family: memory, scalar-parameter elementwise, index, layout, GEMM.
#define ANVIL_OTHER_OPS(X)                                                                  \
    X(fill, 0) X(copy, 1) X(gemm, 2) X(clip, 15) X(affine, 16) X(argmax, 27) X(transpose, 28)
// Composite ops have core defaults built from primitives (device_composites.cpp).
#define ANVIL_COMPOSITE_OPS(X)                                                              \
    X(linear_act_forward, 29) X(linear_act_backward, 30) X(mse_loss_grad, 31)                \
    X(adam_update, 32) X(sgd_update, 33)
#define ANVIL_ALL_OPS(X)                                                                    \
    ANVIL_OTHER_OPS(X) ANVIL_UNARY_OPS(X) ANVIL_BINARY_OPS(X) ANVIL_REDUCE_OPS(X)           \
    ANVIL_COMPOSITE_OPS(X)

#define ANVIL_OP_ENUMERATOR_(name, id) name,
#define ANVIL_OP_WITH_ID_(name, id) name = id,
#define ANVIL_OP_COUNT_(name, id) +1
enum class UnaryOp : std::uint8_t { ANVIL_UNARY_OPS(ANVIL_OP_ENUMERATOR_) };
enum class BinaryOp : std::uint8_t { ANVIL_BINARY_OPS(ANVIL_OP_ENUMERATOR_) };
enum class ReduceOp : std::uint8_t { ANVIL_REDUCE_OPS(ANVIL_OP_ENUMERATOR_) };

// Every op a backend can be asked about. Composite ops have core defaults built from
// primitives, so a backend that supports the primitives supports them too.
enum class Op : std::uint16_t { ANVIL_ALL_OPS(ANVIL_OP_WITH_ID_) };

constexpr int kOpCount = 0 ANVIL_ALL_OPS(ANVIL_OP_COUNT_);
constexpr int kUnaryOpCount = 0 ANVIL_UNARY_OPS(ANVIL_OP_COUNT_);
constexpr int kBinaryOpCount = 0 ANVIL_BINARY_OPS(ANVIL_OP_COUNT_);
constexpr int kReduceOpCount = 0 ANVIL_REDUCE_OPS(ANVIL_OP_COUNT_);

// Each family's ops in declaration order, for loops over "every unary op" and the like.
#define ANVIL_OP_UNARY_VALUE_(name, id) UnaryOp::name,
#define ANVIL_OP_BINARY_VALUE_(name, id) BinaryOp::name,
#define ANVIL_OP_REDUCE_VALUE_(name, id) ReduceOp::name,
inline constexpr UnaryOp kUnaryOps[] = {ANVIL_UNARY_OPS(ANVIL_OP_UNARY_VALUE_)};
inline constexpr BinaryOp kBinaryOps[] = {ANVIL_BINARY_OPS(ANVIL_OP_BINARY_VALUE_)};
inline constexpr ReduceOp kReduceOps[] = {ANVIL_REDUCE_OPS(ANVIL_OP_REDUCE_VALUE_)};
#undef ANVIL_OP_UNARY_VALUE_
#undef ANVIL_OP_BINARY_VALUE_
#undef ANVIL_OP_REDUCE_VALUE_

// The ids are exactly 0 .. kOpCount - 1, each once: a duplicated or skipped id fails here.
namespace detail {
constexpr bool op_ids_are_dense() {
    const int ids[] = {
#define ANVIL_OP_ID_(name, id) id,
        ANVIL_ALL_OPS(ANVIL_OP_ID_)
#undef ANVIL_OP_ID_
    };
    for (int want = 0; want < kOpCount; ++want) {
        int seen = 0;
        for (int id : ids) seen += id == want ? 1 : 0;
        if (seen != 1) return false;
    }
    return true;
}
}  // namespace detail
static_assert(detail::op_ids_are_dense(), "op ids must be 0 .. kOpCount - 1, each used once");

// Elementwise activations the composite linear ops fuse after the affine map.
enum class Activation : std::uint8_t { identity, sine, relu, tanh, sigmoid };

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
