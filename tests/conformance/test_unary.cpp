// Conformance of the unary ops (neg abs exp log sqrt square sin cos tanh sigmoid relu step
// softplus): random values in each op's domain, sizes that defeat SIMD widths, IEEE special
// values (NaN, +-Inf, +-0, overflow, saturation), sin/cos up to |x| = 100, and in-place use.
// Every unary op of the table in anvil/op.h must have a suite (UnarySuites.CoverEveryUnaryOp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "conformance.h"

namespace anvil::test {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Values that stress NaN/Inf handling, overflow and saturation. sin and cos get the subset
// with |x| <= 100, the range their tolerance is stated for.
HostTensor special_values(UnaryOp op) {
    std::vector<double> v{0.0,   -0.0,   1.0, -1.0, 0.5,  -0.5,  kInf, -kInf, kNaN,
                          1e-30, -1e-30, 3.0, -3.0, 20.0, -20.0, 88.0, 89.0,  -87.0};
    if (op != UnaryOp::sin && op != UnaryOp::cos) {
        v.insert(v.end(), {1000.0, -1000.0, 1e30, -1e30});
    } else {
        v.insert(v.end(), {100.0, -100.0, 99.99, 31.4159, -62.83});
    }
    const Shape shape{static_cast<std::int64_t>(v.size())};
    return HostTensor(shape, std::move(v));
}

class UnaryCase : public BackendTest {
protected:
    // x: any shape -> op(x) compared with the reference; also op applied in place.
    void check(UnaryOp op, const HostTensor& x_in) {
        const HostTensor x = round_to(x_in, dtype());
        const HostTensor expected = ref::unary(op, x);
        const Tensor dx = upload(x);
        EXPECT_TRUE(all_close(to_host(unary(op, dx)), expected, dtype(), tolerance(to_op(op))))
            << op_name(op) << " of " << dx.describe();
        Tensor in_place = upload(x);
        unary_into(op, in_place, in_place);
        EXPECT_TRUE(all_close(to_host(in_place), expected, dtype(), tolerance(to_op(op))))
            << op_name(op) << " in place on " << dx.describe();
    }
};

// Domain of random inputs per op: log and sqrt need positive inputs, exp stays finite in f32.
struct Domain {
    double lo, hi;
};
Domain domain(UnaryOp op) {
    switch (op) {
        case UnaryOp::log:
            return {1e-3, 100.0};
        case UnaryOp::sqrt:
            return {0.0, 100.0};
        case UnaryOp::exp:
            return {-80.0, 80.0};
        case UnaryOp::sin:
        case UnaryOp::cos:
            return {-3.2, 3.2};
        case UnaryOp::tanh:
            return {-10.0, 10.0};
        case UnaryOp::sigmoid:
            return {-30.0, 30.0};
        default:
            return {-5.0, 5.0};
    }
}

// The ops that have a suite, recorded as the suites are defined.
std::vector<UnaryOp>& unary_suites() {
    static std::vector<UnaryOp> ops;
    return ops;
}
bool record_unary_suite(UnaryOp op) {
    unary_suites().push_back(op);
    return true;
}

// Suite `Name` for UnaryOp::op: tests read "Sin.RandomValues/cpu".
#define ANVIL_UNARY_SUITE(Name, op_)                                                        \
    [[maybe_unused]] const bool Name##Recorded = record_unary_suite(op_);                   \
    ANVIL_DTYPE_SUITE_OF(Name, UnaryCase);                                                  \
    TEST_P(Name, RandomValues) {                                                            \
        ANVIL_REQUIRE_OP(to_op(op_));                                                       \
        const Domain d = domain(op_);                                                       \
        check(op_, uniform(Shape{37, 29}, d.lo, d.hi, 11));                                 \
    }                                                                                       \
    TEST_P(Name, OddSizes) {                                                                \
        ANVIL_REQUIRE_OP(to_op(op_));                                                       \
        const Domain d = domain(op_);                                                       \
        for (std::int64_t n : kOddSizes) {                                                  \
            SCOPED_TRACE("size " + std::to_string(n));                                      \
            check(op_, uniform(Shape{n}, d.lo, d.hi, 100 + static_cast<std::uint64_t>(n))); \
        }                                                                                   \
        check(op_, uniform(Shape{1, 1}, d.lo, d.hi, 5));                                    \
        check(op_, uniform(Shape{}, d.lo, d.hi, 6));                                        \
        check(op_, uniform(Shape{0, 3}, d.lo, d.hi, 7));                                    \
    }                                                                                       \
    TEST_P(Name, SpecialValues) {                                                           \
        ANVIL_REQUIRE_OP(to_op(op_));                                                       \
        check(op_, special_values(op_));                                                    \
    }

ANVIL_UNARY_SUITE(Neg, UnaryOp::neg)
ANVIL_UNARY_SUITE(Abs, UnaryOp::abs)
ANVIL_UNARY_SUITE(Exp, UnaryOp::exp)
ANVIL_UNARY_SUITE(Log, UnaryOp::log)
ANVIL_UNARY_SUITE(Sqrt, UnaryOp::sqrt)
ANVIL_UNARY_SUITE(Square, UnaryOp::square)
ANVIL_UNARY_SUITE(Sin, UnaryOp::sin)
ANVIL_UNARY_SUITE(Cos, UnaryOp::cos)
ANVIL_UNARY_SUITE(Tanh, UnaryOp::tanh)
ANVIL_UNARY_SUITE(Sigmoid, UnaryOp::sigmoid)
ANVIL_UNARY_SUITE(Relu, UnaryOp::relu)
ANVIL_UNARY_SUITE(Step, UnaryOp::step)
ANVIL_UNARY_SUITE(Softplus, UnaryOp::softplus)

// An op added to the table in anvil/op.h without a suite above fails here.
TEST(UnarySuites, CoverEveryUnaryOp) {
    const std::vector<UnaryOp>& covered = unary_suites();
    for (UnaryOp op : kUnaryOps)
        EXPECT_NE(std::find(covered.begin(), covered.end(), op), covered.end())
            << op_name(op) << " has no conformance suite in test_unary.cpp";
}

// SIREN evaluates sin(omega z) with omega = 30, so arguments reach tens of radians.
TEST_P(Sin, LargeArguments) {
    ANVIL_REQUIRE_OP(Op::sin);
    check(UnaryOp::sin, uniform(Shape{4099}, -100.0, 100.0, 21));
}
TEST_P(Cos, LargeArguments) {
    ANVIL_REQUIRE_OP(Op::cos);
    check(UnaryOp::cos, uniform(Shape{4099}, -100.0, 100.0, 22));
}

TEST_P(Exp, OverflowsToInfinity) {
    ANVIL_REQUIRE_OP(Op::exp);
    // Beyond log(max) of the dtype: +Inf, never a large finite value or NaN.
    const double big = dtype() == DType::f32 ? 89.0 : 710.0;
    const HostTensor out = to_host(exp(upload(HostTensor(Shape{9}, big))));
    for (double v : out.values) EXPECT_EQ(v, kInf);
    // Underflow gives 0, or a value below the smallest normal where a backend flushes or
    // approximates subnormals; never NaN or a normal number.
    const double tiny = dtype() == DType::f32 ? std::numeric_limits<float>::min()
                                              : std::numeric_limits<double>::min();
    for (double v : to_host(exp(upload(HostTensor(Shape{9}, -big * 2)))).values) {
        EXPECT_GE(v, 0.0);
        EXPECT_LT(v, tiny);
    }
}

TEST_P(Sigmoid, SaturatesWithoutOverflow) {
    ANVIL_REQUIRE_OP(Op::sigmoid);
    // sigmoid(+-1000) computed as 1 / (1 + exp(-x)) overflows exp; it must be exactly 1 / 0.
    const HostTensor x(Shape{18}, {1000, -1000, 1000, -1000, 1000, -1000, 1000, -1000, 1000, -1000,
                                   500, -500, 200, -200, 120, -120, 100, -100});
    const HostTensor out = to_host(sigmoid(upload(x)));
    for (std::int64_t i = 0; i < 10; ++i) EXPECT_EQ(out[i], i % 2 == 0 ? 1.0 : 0.0) << "at " << i;
    for (std::int64_t i = 10; i < 18; ++i) EXPECT_TRUE(std::isfinite(out[i])) << "at " << i;
}

// log(1 + e^x) computed naively overflows e^x at x = 89 (f32) and loses everything below
// x = -17 to log(1 + tiny) = 0; the stable form gives x itself and e^x there.
TEST_P(Softplus, LargeArgumentsNeitherOverflowNorVanish) {
    ANVIL_REQUIRE_OP(Op::softplus);
    const HostTensor x(Shape{8}, {100.0, 1000.0, -100.0, -30.0, 30.0, kInf, -kInf, 0.0});
    const HostTensor out = to_host(softplus(upload(x)));
    EXPECT_EQ(out[0], 100.0);
    EXPECT_EQ(out[1], 1000.0);
    // e^-100 = 3.7e-44 is below f32's smallest normal: a subnormal or 0 there, never negative.
    if (dtype() == DType::f64) {
        EXPECT_NEAR(out[2], std::exp(-100.0), 1e-12 * std::exp(-100.0));
    } else {
        EXPECT_GE(out[2], 0.0);
        EXPECT_LT(out[2], 1e-37);
    }
    // log1p(e^-30) = e^-30 (1 - e^-30 / 2 ...) and 30 + e^-30: the float64 reference.
    for (std::int64_t i : {3, 4, 7}) {
        const double want = ref::unary(UnaryOp::softplus, x[i]);
        EXPECT_NEAR(out[i], want, 4 * unit_roundoff(dtype()) * std::fabs(want)) << "x = " << x[i];
    }
    EXPECT_EQ(out[5], kInf);
    EXPECT_EQ(out[6], 0.0);
}

TEST_P(Relu, ZeroAndNaN) {
    ANVIL_REQUIRE_OP(Op::relu);
    const HostTensor out = to_host(relu(upload(HostTensor(Shape{4}, {0.0, -0.0, kNaN, -kInf}))));
    EXPECT_EQ(out[0], 0.0);
    EXPECT_EQ(out[1], 0.0);
    EXPECT_TRUE(std::isnan(out[2])) << "relu(NaN) must stay NaN";
    EXPECT_EQ(out[3], 0.0);
}

// --- clip ----------------------------------------------------------------------------------------
ANVIL_DTYPE_SUITE(Clip);

TEST_P(Clip, RandomValuesAndOddSizes) {
    ANVIL_REQUIRE_OP(Op::clip);
    for (std::int64_t n : kOddSizes) {
        const HostTensor x = uniform(Shape{n}, -2.0, 2.0, 31 + static_cast<std::uint64_t>(n));
        EXPECT_TRUE(
            all_equal(to_host(clip(upload(x), -0.5, 0.75)), ref::clip(x, -0.5, 0.75), dtype()))
            << "size " << n;
    }
}

TEST_P(Clip, NaNPassesAndBoundsMayBeInfiniteOrEqual) {
    ANVIL_REQUIRE_OP(Op::clip);
    const HostTensor x(Shape{7}, {kNaN, -kInf, kInf, -3.0, 0.25, 3.0, -0.0});
    for (const auto& [lo, hi] : std::vector<std::pair<double, double>>{
             {-1.0, 1.0}, {-kInf, 0.5}, {0.5, kInf}, {0.25, 0.25}, {-kInf, kInf}}) {
        EXPECT_TRUE(all_equal(to_host(clip(upload(x), lo, hi)), ref::clip(x, lo, hi), dtype()))
            << "clip to [" << lo << ", " << hi << "]";
    }
}

TEST_P(Clip, InPlace) {
    ANVIL_REQUIRE_OP(Op::clip);
    const HostTensor x = uniform(Shape{17, 3}, -2.0, 2.0, 33);
    Tensor t = upload(x);
    clip_into(t, -1.0, 0.5, t);
    EXPECT_TRUE(all_equal(to_host(t), ref::clip(x, -1.0, 0.5), dtype()));
}

TEST_P(Clip, LoAboveHiIsAnError) {
    ANVIL_REQUIRE_OP(Op::clip);
    const Tensor t = upload(uniform(Shape{4}, -1.0, 1.0, 34));
    EXPECT_TRUE(throws_error([&] { clip(t, 2.0, 1.0); }, "[clip]", {"lo", "hi"}));
    EXPECT_TRUE(throws_error([&] { clip(t, kNaN, 1.0); }, "[clip]", {"NaN"}));
}

// --- affine --------------------------------------------------------------------------------------
ANVIL_DTYPE_SUITE(Affine);

// a and b are rounded to the dtype, then a x and + b rounded: 2u (|a x| + |b|) beyond the
// table's rounding of the result.
HostTensor affine_extra(const HostTensor& x, double a, double b, DType dtype) {
    HostTensor extra(x.shape);
    for (std::int64_t i = 0; i < x.numel(); ++i)
        extra[i] = 2.0 * unit_roundoff(dtype) * (std::fabs(a * x[i]) + std::fabs(b));
    return extra;
}

TEST_P(Affine, RandomValuesAndOddSizes) {
    ANVIL_REQUIRE_OP(Op::affine);
    const double a = -1.7, b = 0.3;  // neither is exact in binary: rounding of a and b counts
    for (std::int64_t n : kOddSizes) {
        const HostTensor x = uniform(Shape{n}, -3.0, 3.0, 41 + static_cast<std::uint64_t>(n));
        const HostTensor extra = affine_extra(x, a, b, dtype());
        EXPECT_TRUE(all_close(to_host(affine(upload(x), a, b)), ref::affine(x, a, b), dtype(),
                              tolerance(Op::affine), &extra))
            << "size " << n;
    }
}

TEST_P(Affine, InPlaceAndSpecialCoefficients) {
    ANVIL_REQUIRE_OP(Op::affine);
    const HostTensor x = uniform(Shape{7, 5}, -3.0, 3.0, 42);
    for (const auto& [a, b] : std::vector<std::pair<double, double>>{
             {0.0, 2.5}, {1.0, 0.0}, {-1.0, 0.0}, {30.0, -1.0}, {1e-3, 1e3}}) {
        Tensor t = upload(x);
        affine_into(t, a, b, t);
        const HostTensor extra = affine_extra(x, a, b, dtype());
        EXPECT_TRUE(
            all_close(to_host(t), ref::affine(x, a, b), dtype(), tolerance(Op::affine), &extra))
            << "a " << a << ", b " << b;
    }
    const HostTensor special(Shape{3}, {kNaN, kInf, -kInf});
    EXPECT_TRUE(all_equal(to_host(affine(upload(special), 2.0, 1.0)),
                          ref::affine(special, 2.0, 1.0), dtype()));
}

}  // namespace
}  // namespace anvil::test
