// Parameter initialisation. Every initial parameter is drawn on the host from one seeded
// generator of our own (xoshiro256** seeded by splitmix64, with our own uniform and normal
// transforms built from +, -, *, / and sqrt only), then uploaded: one seed gives bit-identical
// initial weights on every backend, and on every compiler and standard library.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "anvil/export.h"

namespace anvil::nn {

// xoshiro256** (Blackman and Vigna), its state seeded from a 64-bit seed by splitmix64.
class ANVIL_EXPORT Rng {
public:
    explicit Rng(std::uint64_t seed = 0);

    std::uint64_t next_u64();
    // Uniform in [0, 1) with 53 random bits.
    double uniform();
    // Uniform in [lo, hi).
    double uniform(double lo, double hi);
    // Normal(mean, stddev), Marsaglia's polar method with a portable log.
    double normal(double mean = 0.0, double stddev = 1.0);
    // Uniform integer in [0, n), unbiased (rejection); n must be > 0.
    std::uint64_t below(std::uint64_t n);

    // The full state, so a training run can save it in a checkpoint and resume the exact
    // sequence. to_string gives 4 hex words plus the cached normal: "hhhh...:hhhh...:...".
    std::string to_string() const;
    // Throws "[rng] ..." on a malformed string.
    static Rng from_string(const std::string& state);

    bool operator==(const Rng& other) const = default;

private:
    std::array<std::uint64_t, 4> s_{};
    bool has_spare_ = false;  // the polar method makes normals in pairs
    double spare_ = 0.0;
};

// ln(x) for x > 0 from IEEE arithmetic only (no libm), accurate to about 1 ulp, so that
// normal() gives the same bits everywhere.
ANVIL_EXPORT double portable_log(double x);

enum class InitKind : std::uint8_t {
    siren,           // SIREN: first layer U(+-1/in), others U(+-sqrt(6/in)/omega0)
    xavier_uniform,  // U(+-sqrt(6/(in+out))), Glorot and Bengio 2010: for tanh/sigmoid
    he_normal,       // N(0, sqrt(2/in)), He et al. 2015: for relu
    uniform,         // U(+-scale)
    normal,          // N(0, scale)
};
ANVIL_EXPORT const char* init_name(InitKind kind);
ANVIL_EXPORT InitKind parse_init(const std::string& name);  // throws "[init] unknown ..."

// How to draw one layer's parameters.
struct InitSpec {
    InitKind kind = InitKind::siren;
    double scale = 0.0;        // bound (uniform) or stddev (normal); unused by the others
    double omega0 = 30.0;      // siren: the omega0 of the sine that follows this layer
    bool first_layer = false;  // siren: the layer that sees the raw coordinates
};

// Draws w: (out, in) row-major, then b: (out), from rng, in that order.
// Biases: siren uses PyTorch's nn.Linear default U(+-1/sqrt(in)) as the SIREN reference does;
// uniform and normal draw biases like the weights; xavier_uniform and he_normal use zero
// biases (nothing is drawn for them). Throws "[init] ..." for in <= 0, out < 0 or a bad scale.
struct LayerInit {
    std::vector<double> weight;  // (out, in)
    std::vector<double> bias;    // (out), empty when has_bias is false
};
ANVIL_EXPORT LayerInit draw_layer(Rng& rng, const InitSpec& spec, std::int64_t in, std::int64_t out,
                                  bool has_bias);

}  // namespace anvil::nn
