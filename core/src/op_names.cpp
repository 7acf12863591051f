// Names of ops and activations, for capability listings and error messages.
#include <algorithm>
#include <array>
#include <cctype>

#include "anvil/error.h"
#include "anvil/op.h"

namespace anvil {

namespace {

// Names indexed by op id, and each family's ops as Op values in family order: both straight
// from the op table in op.h.
constexpr std::array<const char*, kOpCount> make_names() {
    std::array<const char*, kOpCount> names{};
#define ANVIL_OP_NAME_(name, id) names[id] = #name;
    ANVIL_ALL_OPS(ANVIL_OP_NAME_)
#undef ANVIL_OP_NAME_
    return names;
}
constexpr std::array<const char*, kOpCount> kNames = make_names();

#define ANVIL_OP_VALUE_(name, id) Op::name,
constexpr Op kUnaryAsOp[] = {ANVIL_UNARY_OPS(ANVIL_OP_VALUE_)};
constexpr Op kBinaryAsOp[] = {ANVIL_BINARY_OPS(ANVIL_OP_VALUE_)};
constexpr Op kReduceAsOp[] = {ANVIL_REDUCE_OPS(ANVIL_OP_VALUE_)};
constexpr Op kComposites[] = {ANVIL_COMPOSITE_OPS(ANVIL_OP_VALUE_)};
#undef ANVIL_OP_VALUE_

}  // namespace

const char* op_name(Op op) {
    const int i = static_cast<int>(op);
    return (i >= 0 && i < kOpCount) ? kNames[static_cast<std::size_t>(i)] : "?";
}

Op to_op(UnaryOp op) { return kUnaryAsOp[static_cast<std::size_t>(op)]; }
Op to_op(BinaryOp op) { return kBinaryAsOp[static_cast<std::size_t>(op)]; }
Op to_op(ReduceOp op) { return kReduceAsOp[static_cast<std::size_t>(op)]; }

const char* op_name(UnaryOp op) { return op_name(to_op(op)); }
const char* op_name(BinaryOp op) { return op_name(to_op(op)); }
const char* op_name(ReduceOp op) { return op_name(to_op(op)); }

bool is_composite(Op op) {
    for (Op c : kComposites)
        if (c == op) return true;
    return false;
}

const char* activation_name(Activation act) {
    switch (act) {
        case Activation::identity: return "identity";
        case Activation::sine: return "sine";
        case Activation::relu: return "relu";
        case Activation::tanh: return "tanh";
        case Activation::sigmoid: return "sigmoid";
    }
    return "?";
}

Activation parse_activation(const std::string& name) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (Activation a : {Activation::identity, Activation::sine, Activation::relu, Activation::tanh,
                         Activation::sigmoid})
        if (lower == activation_name(a)) return a;
    throw Error("[activation] unknown activation '" + name +
                "' (expected identity, sine, relu, tanh or sigmoid)");
}

}  // namespace anvil
