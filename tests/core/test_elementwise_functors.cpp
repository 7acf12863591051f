// The element functors of backends/common/elementwise.h, on the host, in float and double:
// NaN through clip/maximum/minimum/relu, the overflow-free sigmoid at +-1000, relu's derivative
// at 0, activation derivatives against central finite differences, and one Adam step computed
// by hand. The CPU and CUDA backends both compute with these functors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "common/elementwise.h"

namespace anvil {
namespace {

using common::apply_activation;
using common::apply_binary;
using common::apply_unary;

// Within 4 ulps: the functor and the test may call libm differently (or the compiler may fold
// one call at compile time), which need not round identically.
template <typename T> void expect_ulps(T actual, T expected) {
    EXPECT_NEAR(actual, expected, 4 * std::numeric_limits<T>::epsilon() * std::abs(expected));
}

template <typename T> class Functors : public ::testing::Test {
protected:
    static constexpr T nan = std::numeric_limits<T>::quiet_NaN();
    static constexpr T inf = std::numeric_limits<T>::infinity();
};
using FloatTypes = ::testing::Types<float, double>;
struct TypeNames {
    template <typename T> static std::string GetName(int) { return std::is_same_v<T, float> ? "f32" : "f64"; }
};
TYPED_TEST_SUITE(Functors, FloatTypes, TypeNames);

TYPED_TEST(Functors, ClipPassesNaNThroughAndClampsEverythingElse) {
    using T = TypeParam;
    EXPECT_TRUE(std::isnan(common::clip(this->nan, T(0), T(1))));
    EXPECT_EQ(common::clip(T(5), T(0), T(1)), T(1));
    EXPECT_EQ(common::clip(T(-5), T(0), T(1)), T(0));
    EXPECT_EQ(common::clip(T(0.25), T(0), T(1)), T(0.25));
    EXPECT_EQ(common::clip(this->inf, T(-2), T(2)), T(2));
    EXPECT_EQ(common::clip(-this->inf, T(-2), T(2)), T(-2));
    EXPECT_EQ(common::clip(T(3), T(3), T(3)), T(3));
}

TYPED_TEST(Functors, MaximumAndMinimumPropagateNaNFromEitherSide) {
    using T = TypeParam;
    const T q = this->nan;
    for (BinaryOp op : {BinaryOp::maximum, BinaryOp::minimum}) {
        EXPECT_TRUE(std::isnan(apply_binary(op, q, T(1)))) << op_name(op);
        EXPECT_TRUE(std::isnan(apply_binary(op, T(1), q))) << op_name(op);
        EXPECT_TRUE(std::isnan(apply_binary(op, q, q))) << op_name(op);
        EXPECT_TRUE(std::isnan(apply_binary(op, q, this->inf))) << op_name(op);
    }
    EXPECT_EQ(common::maximum(T(2), T(-3)), T(2));
    EXPECT_EQ(common::maximum(T(-3), T(2)), T(2));
    EXPECT_EQ(common::minimum(T(2), T(-3)), T(-3));
    EXPECT_EQ(common::minimum(-this->inf, T(0)), -this->inf);
    EXPECT_EQ(common::maximum(this->inf, T(0)), this->inf);
}

TYPED_TEST(Functors, ReluKeepsNaNAndNegativeZero) {
    using T = TypeParam;
    EXPECT_TRUE(std::isnan(common::relu(this->nan)));
    EXPECT_TRUE(std::isnan(apply_unary(UnaryOp::relu, this->nan)));
    const T negative_zero = common::relu(T(-0.0));
    EXPECT_EQ(negative_zero, T(0));
    EXPECT_TRUE(std::signbit(negative_zero));
    EXPECT_EQ(common::relu(T(-1)), T(0));
    EXPECT_EQ(common::relu(-this->inf), T(0));
    EXPECT_EQ(common::relu(T(2.5)), T(2.5));
    EXPECT_EQ(common::relu(this->inf), this->inf);
}

TYPED_TEST(Functors, StepIsReluGradientWithZeroAtZero) {
    using T = TypeParam;
    EXPECT_EQ(common::step(T(0)), T(0));
    EXPECT_EQ(common::step(T(-0.0)), T(0));
    EXPECT_EQ(common::step(std::numeric_limits<T>::denorm_min()), T(1));
    EXPECT_EQ(common::step(T(-1)), T(0));
    EXPECT_EQ(common::step(this->inf), T(1));
    EXPECT_TRUE(std::isnan(common::step(this->nan)));
    EXPECT_EQ(apply_unary(UnaryOp::step, T(3)), T(1));
    // The relu activation's derivative is the same function, 0 at the kink.
    EXPECT_EQ(apply_activation(Activation::relu, T(1), T(0)).dy_dz, T(0));
}

TYPED_TEST(Functors, SigmoidIsStableAtTheExtremes) {
    using T = TypeParam;
    for (T x : {T(1000), T(-1000), T(88.8), T(-88.8), T(709.9), T(-709.9)}) {
        const T s = common::stable_sigmoid(x);
        EXPECT_TRUE(std::isfinite(s)) << x;
        EXPECT_GE(s, T(0)) << x;
        EXPECT_LE(s, T(1)) << x;
    }
    EXPECT_EQ(common::stable_sigmoid(T(1000)), T(1));
    EXPECT_EQ(common::stable_sigmoid(T(-1000)), T(0));
    EXPECT_EQ(common::stable_sigmoid(this->inf), T(1));
    EXPECT_EQ(common::stable_sigmoid(-this->inf), T(0));
    EXPECT_EQ(common::stable_sigmoid(T(0)), T(0.5));
    EXPECT_TRUE(std::isnan(common::stable_sigmoid(this->nan)));
    // Deep in the negative tail it still resolves tiny values instead of flushing to 0.
    EXPECT_GT(common::stable_sigmoid(T(-80)), T(0));
}

TYPED_TEST(Functors, SigmoidMatchesTheTextbookFormulaWhereThatIsSafe) {
    using T = TypeParam;
    const double tol = sizeof(T) == 4 ? 1e-6 : 1e-14;
    for (double x = -30; x <= 30; x += 0.37) {
        const double expected = 1.0 / (1.0 + std::exp(-x));
        EXPECT_NEAR(common::stable_sigmoid(static_cast<T>(x)), expected, tol * std::max(1.0, expected)) << x;
        EXPECT_NEAR(common::stable_sigmoid(static_cast<T>(x)) + common::stable_sigmoid(static_cast<T>(-x)), 1.0,
                    2 * tol)
            << x;
    }
}

TYPED_TEST(Functors, UnaryOpsComputeTheirFunctions) {
    using T = TypeParam;
    const T x = T(0.75);
    EXPECT_EQ(apply_unary(UnaryOp::neg, x), -x);
    EXPECT_EQ(apply_unary(UnaryOp::abs, -x), x);
    EXPECT_EQ(apply_unary(UnaryOp::square, T(-3)), T(9));
    expect_ulps(apply_unary(UnaryOp::exp, x), std::exp(x));
    expect_ulps(apply_unary(UnaryOp::log, x), std::log(x));
    expect_ulps(apply_unary(UnaryOp::sqrt, x), std::sqrt(x));
    expect_ulps(apply_unary(UnaryOp::sin, x), std::sin(x));
    expect_ulps(apply_unary(UnaryOp::cos, x), std::cos(x));
    expect_ulps(apply_unary(UnaryOp::tanh, x), std::tanh(x));
    EXPECT_EQ(apply_unary(UnaryOp::sigmoid, x), common::stable_sigmoid(x));
    EXPECT_TRUE(std::isnan(apply_unary(UnaryOp::log, T(-1))));
    EXPECT_TRUE(std::isnan(apply_unary(UnaryOp::sqrt, T(-1))));
    EXPECT_EQ(apply_unary(UnaryOp::log, T(0)), -this->inf);
}

TYPED_TEST(Functors, BinaryOpsComputeTheirFunctions) {
    using T = TypeParam;
    EXPECT_EQ(apply_binary(BinaryOp::add, T(1.5), T(2)), T(3.5));
    EXPECT_EQ(apply_binary(BinaryOp::sub, T(1.5), T(2)), T(-0.5));
    EXPECT_EQ(apply_binary(BinaryOp::mul, T(1.5), T(-2)), T(-3));
    EXPECT_EQ(apply_binary(BinaryOp::div, T(3), T(-2)), T(-1.5));
    EXPECT_EQ(apply_binary(BinaryOp::div, T(1), T(0)), this->inf);
    EXPECT_EQ(apply_binary(BinaryOp::maximum, T(1), T(2)), T(2));
    EXPECT_EQ(apply_binary(BinaryOp::minimum, T(1), T(2)), T(1));
}

// Activation derivatives in double against central differences of the activation itself.
TEST(ActivationDerivatives, MatchFiniteDifferences) {
    const double h = 1e-6;
    const double omega = 30.0;
    for (Activation act : {Activation::identity, Activation::sine, Activation::relu, Activation::tanh,
                           Activation::sigmoid}) {
        for (double z = -2.05; z <= 2.05; z += 0.1) {  // never exactly 0, relu's kink
            const auto at = apply_activation(act, omega, z);
            const double fd = (apply_activation(act, omega, z + h).y - apply_activation(act, omega, z - h).y) / (2 * h);
            EXPECT_NEAR(at.dy_dz, fd, 1e-6 * std::max(1.0, std::abs(fd))) << activation_name(act) << " at " << z;
        }
    }
}

TEST(ActivationDerivatives, ValuesFollowTheirDefinitions) {
    const double z = 0.3;
    EXPECT_EQ(apply_activation(Activation::identity, 30.0, z).y, z);
    expect_ulps(apply_activation(Activation::sine, 30.0, z).y, std::sin(30.0 * z));
    expect_ulps(apply_activation(Activation::sine, 30.0, z).dy_dz, 30.0 * std::cos(30.0 * z));
    // omega only scales the sine.
    expect_ulps(apply_activation(Activation::tanh, 30.0, z).y, std::tanh(z));
    EXPECT_EQ(apply_activation(Activation::sigmoid, 30.0, z).y, common::stable_sigmoid(z));
    EXPECT_EQ(apply_activation(Activation::relu, 30.0, -z).y, 0.0);
    EXPECT_EQ(apply_activation(Activation::relu, 30.0, z).dy_dz, 1.0);
}

TEST(ActivationDerivatives, SaturatedActivationsHaveZeroNotNaNSlopes) {
    for (double z : {1000.0, -1000.0}) {
        for (Activation act : {Activation::tanh, Activation::sigmoid}) {
            const auto at = apply_activation(act, 1.0, z);
            EXPECT_TRUE(std::isfinite(at.y)) << activation_name(act) << " at " << z;
            EXPECT_EQ(at.dy_dz, 0.0) << activation_name(act) << " at " << z;
        }
        const auto f = apply_activation(Activation::sigmoid, 1.0f, static_cast<float>(z));
        EXPECT_EQ(f.dy_dz, 0.0f);
    }
}

template <typename T> common::AdamCoefficients<T> coefficients(double lr, double b1, double b2, double eps, int t) {
    return common::adam_coefficients<T>(lr, b1, b2, eps, t);
}

TYPED_TEST(Functors, AdamStepMatchesAHandComputedStep) {
    using T = TypeParam;
    // p = 1, g = 0.5, m = 0.1, v = 0.2, lr = 0.01, betas (0.9, 0.999), eps 1e-8, step t = 3:
    //   m' = 0.9 * 0.1 + 0.1 * 0.5 = 0.14;   v' = 0.999 * 0.2 + 0.001 * 0.25 = 0.20005
    //   m^ = 0.14 / (1 - 0.9^3) = 0.5166052; v^ = 0.20005 / (1 - 0.999^3) = 66.750061
    //   p' = 1 - 0.01 * 0.5166052 / (sqrt(66.750061) + 1e-8) = 0.99936768584
    T p = T(1), m = T(0.1), v = T(0.2);
    common::adam_step(p, T(0.5), m, v, coefficients<T>(0.01, 0.9, 0.999, 1e-8, 3));
    const double tol = sizeof(T) == 4 ? 1e-6 : 1e-12;
    EXPECT_NEAR(m, 0.14, tol);
    EXPECT_NEAR(v, 0.20005, tol);
    EXPECT_NEAR(p, 0.99936768584, sizeof(T) == 4 ? 1e-6 : 1e-11);
}

TYPED_TEST(Functors, FirstAdamStepMovesByAboutTheLearningRate) {
    using T = TypeParam;
    // From zero moments the bias correction makes m^ = g and v^ = g^2: a step of lr * sign(g).
    for (T g : {T(-3), T(0.001), T(250)}) {
        T p = T(2), m = T(0), v = T(0);
        common::adam_step(p, g, m, v, coefficients<T>(0.05, 0.9, 0.999, 1e-8, 1));
        EXPECT_NEAR(p, 2 - 0.05 * (g > 0 ? 1 : -1), 1e-5) << g;
    }
}

}  // namespace
}  // namespace anvil
