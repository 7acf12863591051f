// Activation values of anvil::nn: construction, validation and names.
#include "anvil/nn/activation.h"

#include <cmath>

#include "anvil/error.h"
#include "internal.h"

namespace anvil::nn {

std::string ActivationFn::to_string() const {
    if (kind != Activation::sine) return activation_name(kind);
    return "sine(omega0=" + detail::format_number(omega0) + ")";
}

ActivationFn Sine(double omega0) {
    if (!(std::isfinite(omega0) && omega0 > 0.0))
        throw Error("[activation] sine needs a finite omega0 > 0, got " +
                    detail::format_number(omega0));
    return {Activation::sine, omega0};
}

ActivationFn make_activation(const std::string& name, double omega0) {
    const Activation kind = parse_activation(name);
    if (kind == Activation::sine) return Sine(omega0);
    return {kind, 1.0};
}

}  // namespace anvil::nn
