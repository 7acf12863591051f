// splitmix64 (Steele, Lea, Flood 2014) and the tensor generators built on it.
#include "support/random.h"

namespace anvil::test {

std::uint64_t Rng::next_u64() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double Rng::uniform(double lo, double hi) {
    const double unit = static_cast<double>(next_u64() >> 11) * 0x1.0p-53;  // [0, 1)
    return lo + (hi - lo) * unit;
}

std::int64_t Rng::integer(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    // The modulo bias is below 2^-40 for the small ranges tests use.
    return lo + static_cast<std::int64_t>(next_u64() % span);
}

HostTensor random_uniform(const Shape& shape, double lo, double hi, std::uint64_t seed,
                          DType dtype) {
    Rng rng(seed);
    HostTensor out(shape);
    for (double& v : out.values) v = round_to(rng.uniform(lo, hi), dtype);
    return out;
}

HostTensor random_integers(const Shape& shape, std::int64_t lo, std::int64_t hi,
                           std::uint64_t seed) {
    Rng rng(seed);
    HostTensor out(shape);
    for (double& v : out.values) v = static_cast<double>(rng.integer(lo, hi));
    return out;
}

}  // namespace anvil::test
