// Checks the tolerance comparison itself: bounds, NaN/Inf rules, f32 rounding of the
// expectation, and that failures name the offending element.
#include <gtest/gtest.h>

#include <cmath>

#include "support/compare.h"

namespace anvil::test {
namespace {

TEST(Compare, BoundIsAbsPlusRelPlusExtra) {
    // f32: the bound gains the rounding of the expectation, u * 100 = 6e-6.
    const HostTensor e(Shape{1}, {100.0});
    EXPECT_TRUE(all_close(HostTensor(Shape{1}, {101.0}), e, DType::f32, {0.0, 0.01}));
    EXPECT_FALSE(all_close(HostTensor(Shape{1}, {101.5}), e, DType::f32, {0.0, 0.01}));
    EXPECT_TRUE(all_close(HostTensor(Shape{1}, {101.5}), e, DType::f32, {0.5, 0.01}));
    const HostTensor extra(Shape{1}, {0.6});
    EXPECT_TRUE(all_close(HostTensor(Shape{1}, {101.5}), e, DType::f32, {0.0, 0.01}, &extra));
}

TEST(Compare, F64BoundIsDoubledForTheReferenceOwnRounding) {
    const HostTensor e(Shape{1}, {100.0});
    EXPECT_TRUE(all_close(HostTensor(Shape{1}, {101.9}), e, DType::f64, {0.0, 0.01}));
    EXPECT_FALSE(all_close(HostTensor(Shape{1}, {102.1}), e, DType::f64, {0.0, 0.01}));
}

TEST(Compare, ZeroBoundMeansTheRoundedValueExactly) {
    const HostTensor e(Shape{1}, {0.1});
    EXPECT_TRUE(all_equal(HostTensor(Shape{1}, {static_cast<double>(0.1f)}), e, DType::f32));
    EXPECT_FALSE(all_equal(HostTensor(Shape{1}, {0.1}), e, DType::f32));
    EXPECT_FALSE(all_equal(HostTensor(Shape{1}, {std::nextafter(0.1, 1.0)}), e, DType::f64));
}

TEST(Compare, NaNAndInfinitiesMustMatchExactly) {
    const HostTensor e(Shape{3}, {NAN, INFINITY, 1.0});
    EXPECT_TRUE(all_close(HostTensor(Shape{3}, {NAN, INFINITY, 1.0}), e, DType::f32, {1, 1}));
    EXPECT_FALSE(all_close(HostTensor(Shape{3}, {0.0, INFINITY, 1.0}), e, DType::f32, {1, 1}));
    EXPECT_FALSE(all_close(HostTensor(Shape{3}, {NAN, 1e30, 1.0}), e, DType::f32, {1, 1}));
    EXPECT_FALSE(all_close(HostTensor(Shape{3}, {NAN, INFINITY, NAN}), e, DType::f32, {1, 1}));
}

TEST(Compare, ExpectationIsRoundedToTheDeviceType) {
    // exp(100) overflows f32: a perfect f32 backend returns +Inf.
    const HostTensor e(Shape{2}, {std::exp(100.0), 0.1});
    const HostTensor a(Shape{2}, {INFINITY, static_cast<double>(0.1f)});
    EXPECT_TRUE(all_equal(a, e, DType::f32));
    EXPECT_FALSE(all_equal(a, e, DType::f64));
}

TEST(Compare, FailureNamesIndexAndShape) {
    const HostTensor e(Shape{2, 2}, {1, 2, 3, 4});
    const testing::AssertionResult r =
        all_equal(HostTensor(Shape{2, 2}, {1, 2, 3, 5}), e, DType::f64);
    ASSERT_FALSE(r);
    EXPECT_NE(std::string(r.message()).find("(1,1)"), std::string::npos) << r.message();
    EXPECT_NE(std::string(r.message()).find("1 of 4"), std::string::npos) << r.message();
    EXPECT_FALSE(all_equal(HostTensor(Shape{4}, {1, 2, 3, 4}), e, DType::f64));
}

TEST(Compare, GammaGrowsWithLength) {
    EXPECT_NEAR(gamma(256, DType::f32), 256 * 0x1.0p-24, 1e-9);
    EXPECT_LT(gamma(256, DType::f64), 1e-13);
    EXPECT_EQ(unit_roundoff(DType::f32), 0x1.0p-24);
}

}  // namespace
}  // namespace anvil::test
