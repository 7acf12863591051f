// Parameter initialisers (SIREN, Xavier, He, uniform, normal), drawn on the host from one Rng
// in a fixed order (weights row by row, then biases) so a seed fixes every bit.
#include <cmath>

#include "anvil/error.h"
#include "anvil/nn/init.h"
#include "internal.h"

namespace anvil::nn {

namespace {
constexpr InitKind kAllInits[] = {InitKind::siren, InitKind::xavier_uniform, InitKind::he_normal,
                                  InitKind::uniform, InitKind::normal};

void fill_uniform(Rng& rng, std::vector<double>& out, double bound) {
    for (double& value : out) value = rng.uniform(-bound, bound);
}
void fill_normal(Rng& rng, std::vector<double>& out, double stddev) {
    for (double& value : out) value = rng.normal(0.0, stddev);
}
}  // namespace

const char* init_name(InitKind kind) {
    switch (kind) {
        case InitKind::siren:
            return "siren";
        case InitKind::xavier_uniform:
            return "xavier_uniform";
        case InitKind::he_normal:
            return "he_normal";
        case InitKind::uniform:
            return "uniform";
        case InitKind::normal:
            return "normal";
    }
    return "?";
}

InitKind parse_init(const std::string& name) {
    for (InitKind kind : kAllInits)
        if (name == init_name(kind)) return kind;
    throw Error("[init] unknown initialiser '" + name +
                "' (expected siren, xavier_uniform, he_normal, uniform or normal)");
}

LayerInit draw_layer(Rng& rng, const InitSpec& spec, std::int64_t in, std::int64_t out,
                     bool has_bias) {
    if (in <= 0 || out < 0)
        throw Error("[init] layer needs in > 0 and out >= 0, got in " + std::to_string(in) +
                    ", out " + std::to_string(out));
    const bool scaled = spec.kind == InitKind::uniform || spec.kind == InitKind::normal;
    if (scaled && !(std::isfinite(spec.scale) && spec.scale >= 0.0))
        throw Error(std::string("[init] ") + init_name(spec.kind) +
                    " needs a finite scale >= 0, got " + detail::format_number(spec.scale));
    if (spec.kind == InitKind::siren && !(std::isfinite(spec.omega0) && spec.omega0 > 0.0))
        throw Error("[init] siren needs a finite omega0 > 0, got " +
                    detail::format_number(spec.omega0));
    const double fan_in = static_cast<double>(in);
    LayerInit init;
    init.weight.resize(static_cast<std::size_t>(in * out));
    init.bias.resize(has_bias ? static_cast<std::size_t>(out) : 0);
    switch (spec.kind) {
        case InitKind::siren:
            // The first layer's U(+-1/in), times omega0, spreads the coordinates over several
            // periods of the sine; later layers' sqrt(6/in)/omega0 keeps omega0 (x W^T)
            // distributed like N(0, 1) at every depth (Sitzmann et al. 2020, sec. 3.2).
            fill_uniform(rng, init.weight,
                         spec.first_layer ? 1.0 / fan_in : std::sqrt(6.0 / fan_in) / spec.omega0);
            fill_uniform(rng, init.bias, 1.0 / std::sqrt(fan_in));
            break;
        case InitKind::xavier_uniform:
            fill_uniform(rng, init.weight, std::sqrt(6.0 / (fan_in + static_cast<double>(out))));
            break;  // zero biases
        case InitKind::he_normal:
            fill_normal(rng, init.weight, std::sqrt(2.0 / fan_in));
            break;  // zero biases
        case InitKind::uniform:
            fill_uniform(rng, init.weight, spec.scale);
            fill_uniform(rng, init.bias, spec.scale);
            break;
        case InitKind::normal:
            fill_normal(rng, init.weight, spec.scale);
            fill_normal(rng, init.bias, spec.scale);
            break;
    }
    return init;
}

}  // namespace anvil::nn
