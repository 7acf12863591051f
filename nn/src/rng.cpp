// The portable random generator behind parameter initialisation: xoshiro256** seeded by
// splitmix64, with uniform and normal transforms that use IEEE +, -, *, / and sqrt only (all
// correctly rounded), so one seed gives the same numbers with any compiler and libm.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include "anvil/error.h"
#include "anvil/nn/init.h"

namespace anvil::nn {

namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
    x += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// ln 2 split in a high part with trailing zero bits (so e * kLn2Hi is exact for |e| < 2^11)
// and the remainder: fdlibm's constants.
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kSqrtHalf = 0.70710678118654752440;
}  // namespace

Rng::Rng(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (std::uint64_t& word : s_) word = splitmix64(x);
}

std::uint64_t Rng::next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double Rng::uniform() {
    // The top 53 bits as a multiple of 2^-53: exact, in [0, 1).
    return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

double Rng::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

double Rng::normal(double mean, double stddev) {
    if (has_spare_) {
        has_spare_ = false;
        return mean + stddev * spare_;
    }
    // Marsaglia's polar method: a point uniform in the unit disc gives two independent
    // standard normals, with no sin/cos (whose last bits differ between libms).
    double u = 0.0, v = 0.0, s = 0.0;
    do {
        u = 2.0 * uniform() - 1.0;
        v = 2.0 * uniform() - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * portable_log(s) / s);
    spare_ = v * factor;
    has_spare_ = true;
    return mean + stddev * (u * factor);
}

std::uint64_t Rng::below(std::uint64_t n) {
    if (n == 0) throw Error("[rng] below(0): the range is empty");
    // Reject the top partial block so every residue is equally likely.
    const std::uint64_t limit =
        std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
    std::uint64_t r = next_u64();
    while (r >= limit) r = next_u64();
    return r % n;
}

std::string Rng::to_string() const {
    char buf[128];
    std::uint64_t spare_bits = 0;
    static_assert(sizeof(spare_bits) == sizeof(spare_));
    std::memcpy(&spare_bits, &spare_, sizeof(spare_));
    std::snprintf(buf, sizeof(buf), "%016llx:%016llx:%016llx:%016llx:%d:%016llx",
                  static_cast<unsigned long long>(s_[0]), static_cast<unsigned long long>(s_[1]),
                  static_cast<unsigned long long>(s_[2]), static_cast<unsigned long long>(s_[3]),
                  has_spare_ ? 1 : 0, static_cast<unsigned long long>(spare_bits));
    return buf;
}

Rng Rng::from_string(const std::string& state) {
    // Six ':'-separated fields: four state words, the spare flag, the spare's bits.
    std::vector<std::uint64_t> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = state.find(':', start);
        const std::string field = state.substr(start, end - start);
        if (field.empty() || field.size() > 16 ||
            field.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
            throw Error("[rng] malformed generator state '" + state + "'");
        fields.push_back(std::stoull(field, nullptr, 16));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (fields.size() != 6 || fields[4] > 1 || (fields[0] | fields[1] | fields[2] | fields[3]) == 0)
        throw Error("[rng] malformed generator state '" + state + "'");
    Rng rng;
    for (int i = 0; i < 4; ++i)
        rng.s_[static_cast<std::size_t>(i)] = fields[static_cast<std::size_t>(i)];
    rng.has_spare_ = fields[4] == 1;
    std::memcpy(&rng.spare_, &fields[5], sizeof(rng.spare_));
    return rng;
}

double portable_log(double x) {
    if (std::isnan(x) || x < 0.0) return std::numeric_limits<double>::quiet_NaN();
    if (x == 0.0) return -std::numeric_limits<double>::infinity();
    if (std::isinf(x)) return x;
    // x = m 2^e with m in [sqrt(1/2), sqrt(2)); frexp and ldexp are exact.
    int e = 0;
    double m = std::frexp(x, &e);  // m in [0.5, 1)
    if (m < kSqrtHalf) {
        m *= 2.0;
        --e;
    }
    // ln(m) = 2 atanh(f), f = (m - 1) / (m + 1), |f| <= 0.1716: the odd series converges by a
    // factor f^2 <= 0.0295 per term; 12 terms take it below 2^-60 of the result.
    const double f = (m - 1.0) / (m + 1.0);
    const double f2 = f * f;
    double series = 0.0;
    for (int k = 23; k >= 3; k -= 2) series = (series + 1.0 / k) * f2;
    const double ln_m = 2.0 * f + 2.0 * f * series;
    const double de = static_cast<double>(e);
    return de * kLn2Hi + (ln_m + de * kLn2Lo);
}

}  // namespace anvil::nn
