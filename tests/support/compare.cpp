// Element-wise tolerance checks with failure messages that say where and by how much.
#include "support/compare.h"

#include <cmath>
#include <sstream>

namespace anvil::test {

double unit_roundoff(DType dtype) { return dtype == DType::f64 ? 0x1.0p-53 : 0x1.0p-24; }

double gamma(std::int64_t n, DType dtype) {
    const double nu = static_cast<double>(n) * unit_roundoff(dtype);
    return nu / (1.0 - nu);
}

namespace {
// Whether `a` meets `e` within `bound`, with the NaN/Inf rules of the header.
bool meets(double a, double e, double bound) {
    if (std::isnan(e)) return std::isnan(a);
    if (std::isinf(e)) return a == e;
    if (!std::isfinite(a)) return false;
    return std::fabs(a - e) <= bound;
}

// The header's allowances: rounding of the expectation, and the f64 reference's own error.
double allowance(double bound, double e, DType dtype) {
    if (bound == 0.0 || !std::isfinite(e)) return bound;
    bound += unit_roundoff(dtype) * std::fabs(e);
    return dtype == DType::f64 ? 2.0 * bound : bound;
}
}  // namespace

testing::AssertionResult all_close(const HostTensor& actual, const HostTensor& expected,
                                   DType dtype, Tolerance tol, const HostTensor* extra) {
    if (actual.shape != expected.shape)
        return testing::AssertionFailure() << "shape " << actual.shape.to_string() << ", expected "
                                           << expected.shape.to_string();
    if (extra && extra->shape != expected.shape)
        return testing::AssertionFailure() << "[all_close] bound shape " << extra->shape.to_string()
                                           << " differs from " << expected.shape.to_string();
    constexpr int kShown = 6;
    std::int64_t failures = 0;
    double worst_excess = 0.0;
    std::int64_t worst = -1;
    std::ostringstream first;
    first.precision(9);
    for (std::int64_t i = 0; i < expected.numel(); ++i) {
        const double e = round_to(expected[i], dtype);
        const double a = actual[i];
        const double nominal = tol.abs + tol.rel * std::fabs(e) + (extra ? (*extra)[i] : 0.0);
        const double bound = allowance(nominal, e, dtype);
        if (meets(a, e, bound)) continue;
        const double excess =
            std::isfinite(a) && std::isfinite(e) ? std::fabs(a - e) / bound : INFINITY;
        if (worst < 0 || excess > worst_excess) {
            worst_excess = excess;
            worst = i;
        }
        if (failures++ < kShown)
            first << "\n  at " << index_string(expected.shape, i) << ": actual " << a
                  << ", expected " << e << ", |diff| " << std::fabs(a - e) << " > bound " << bound;
    }
    if (failures == 0) return testing::AssertionSuccess();
    std::ostringstream msg;
    msg.precision(9);
    msg << failures << " of " << expected.numel() << " elements of " << expected.shape.to_string()
        << " (" << dtype_name(dtype) << ") out of tolerance (abs " << tol.abs << ", rel " << tol.rel
        << (extra ? ", plus a per-element bound" : "") << "); worst at "
        << index_string(expected.shape, worst) << ": actual " << actual[worst] << ", expected "
        << round_to(expected[worst], dtype) << first.str();
    return testing::AssertionFailure() << msg.str();
}

testing::AssertionResult all_equal(const HostTensor& actual, const HostTensor& expected,
                                   DType dtype) {
    return all_close(actual, expected, dtype, Tolerance{0.0, 0.0});
}

}  // namespace anvil::test
