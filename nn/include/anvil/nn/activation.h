// Activation functions of anvil::nn layers. An activation is fused into the Linear layer
// before it (anvil::linear_act_forward), so here it is only a value: which function, and for
// sine the frequency omega0 of SIREN's sin(omega0 * z).
#pragma once

#include <string>

#include "anvil/export.h"
#include "anvil/op.h"

namespace anvil::nn {

struct ActivationFn {
    Activation kind = Activation::identity;
    double omega0 = 1.0;  // only used by sine; 1 for every other kind

    // "identity", "sine(omega0=30)", "relu", ...
    ANVIL_EXPORT std::string to_string() const;
    bool operator==(const ActivationFn& other) const = default;
};

inline ActivationFn Identity() { return {Activation::identity, 1.0}; }
// SIREN: y = sin(omega0 * (x W^T + b)); omega0 = 30 in the paper. Throws when omega0 is not a
// finite positive number.
ANVIL_EXPORT ActivationFn Sine(double omega0 = 30.0);
inline ActivationFn ReLU() { return {Activation::relu, 1.0}; }
inline ActivationFn Tanh() { return {Activation::tanh, 1.0}; }
inline ActivationFn Sigmoid() { return {Activation::sigmoid, 1.0}; }

// Builds an activation from its name ("sine", "relu", "tanh", "sigmoid", "identity",
// case-insensitive); omega0 applies to sine only. Throws "[activation] unknown ..." otherwise.
ANVIL_EXPORT ActivationFn make_activation(const std::string& name, double omega0 = 30.0);

}  // namespace anvil::nn
