// Seeded random tensors for tests. The generator is splitmix64 with our own conversions, so a
// seed gives the same values on every platform and standard library (std::uniform_*_distribution
// is implementation-defined), and a failure seen once can be reproduced anywhere.
#pragma once

#include <cstdint>

#include "support/host_tensor.h"

namespace anvil::test {

class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next_u64();
    // Uniform in [lo, hi), 53 random bits.
    double uniform(double lo, double hi);
    // Uniform integer in [lo, hi] (inclusive).
    std::int64_t integer(std::int64_t lo, std::int64_t hi);

private:
    std::uint64_t state_;
};

// Values uniform in [lo, hi), rounded to `dtype` so that host references see exactly the values
// the device holds.
HostTensor random_uniform(const Shape& shape, double lo, double hi, std::uint64_t seed,
                          DType dtype = DType::f64);
// Whole numbers uniform in [lo, hi]: sums and products of small integers are exact in f32 in
// any order, which turns accumulating ops into exact comparisons.
HostTensor random_integers(const Shape& shape, std::int64_t lo, std::int64_t hi,
                           std::uint64_t seed);

}  // namespace anvil::test
