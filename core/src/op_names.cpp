// Names of ops and activations, for capability listings and error messages.
#include <algorithm>
#include <cctype>

#include "anvil/error.h"
#include "anvil/op.h"

namespace anvil {

const char* op_name(Op op) {
    static const char* const names[] = {
        "fill", "copy", "gemm", "neg", "abs", "exp", "log", "sqrt", "square", "sin", "cos",
        "tanh", "sigmoid", "relu", "step", "clip", "affine", "add", "sub", "mul", "div", "maximum",
        "minimum", "sum", "mean", "max", "min", "argmax", "transpose", "linear_act_forward",
        "linear_act_backward", "mse_loss_grad", "adam_update", "sgd_update"};
    static_assert(sizeof(names) / sizeof(names[0]) == kOpCount, "one name per op");
    const int i = static_cast<int>(op);
    return (i >= 0 && i < kOpCount) ? names[i] : "?";
}

Op to_op(UnaryOp op) { return static_cast<Op>(static_cast<int>(Op::neg) + static_cast<int>(op)); }
Op to_op(BinaryOp op) { return static_cast<Op>(static_cast<int>(Op::add) + static_cast<int>(op)); }
Op to_op(ReduceOp op) { return static_cast<Op>(static_cast<int>(Op::sum) + static_cast<int>(op)); }

const char* op_name(UnaryOp op) { return op_name(to_op(op)); }
const char* op_name(BinaryOp op) { return op_name(to_op(op)); }
const char* op_name(ReduceOp op) { return op_name(to_op(op)); }

bool is_composite(Op op) { return static_cast<int>(op) >= static_cast<int>(Op::linear_act_forward); }

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
