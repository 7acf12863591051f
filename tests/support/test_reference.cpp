// Checks the float64 reference against values worked out by hand, so that the spec the
// conformance suite trusts is itself tested (broadcasting, GEMM transposes, NaN rules, Adam).
#include <gtest/gtest.h>

#include <cmath>

#include "support/random.h"
#include "support/reference.h"

namespace anvil::test {
namespace {

HostTensor make(const Shape& shape, std::vector<double> values) {
    return HostTensor(shape, std::move(values));
}

TEST(Reference, BroadcastColumnAgainstRow) {
    // (2,1) + (1,3) -> (2,3)
    const HostTensor out =
        ref::binary(BinaryOp::add, make({2, 1}, {10, 20}), make({1, 3}, {1, 2, 3}));
    EXPECT_EQ(out.shape, (Shape{2, 3}));
    EXPECT_EQ(out.values, (std::vector<double>{11, 12, 13, 21, 22, 23}));
}

TEST(Reference, BroadcastRank3AgainstRank2) {
    // (2,1,2) - (3,1) -> (2,3,2); element (i,j,k) = a(i,0,k) - b(j,0)
    const HostTensor a = make({2, 1, 2}, {1, 2, 3, 4});
    const HostTensor b = make({3, 1}, {10, 20, 30});
    const HostTensor out = ref::binary(BinaryOp::sub, a, b);
    ASSERT_EQ(out.shape, (Shape{2, 3, 2}));
    EXPECT_EQ(out[0], 1 - 10);
    EXPECT_EQ(out[3], 2 - 20);
    EXPECT_EQ(out[6], 3 - 10);
    EXPECT_EQ(out[11], 4 - 30);
}

TEST(Reference, BroadcastRejectsIncompatibleAndKeepsZeroSizes) {
    EXPECT_THROW(ref::broadcast_shape(Shape{2, 3}, Shape{4, 3}), std::invalid_argument);
    EXPECT_EQ(ref::broadcast_shape(Shape{0, 1}, Shape{1, 4}), (Shape{0, 4}));
    EXPECT_EQ(ref::broadcast_shape(Shape{}, Shape{5}), (Shape{5}));
}

TEST(Reference, MaximumMinimumPropagateNaN) {
    EXPECT_TRUE(std::isnan(ref::binary(BinaryOp::maximum, NAN, 1.0)));
    EXPECT_TRUE(std::isnan(ref::binary(BinaryOp::minimum, 1.0, NAN)));
    EXPECT_EQ(ref::binary(BinaryOp::maximum, -1.0, 2.0), 2.0);
}

TEST(Reference, SigmoidSaturatesWithoutOverflow) {
    EXPECT_EQ(ref::unary(UnaryOp::sigmoid, 1000.0), 1.0);
    EXPECT_EQ(ref::unary(UnaryOp::sigmoid, -1000.0), 0.0);
    EXPECT_DOUBLE_EQ(ref::unary(UnaryOp::sigmoid, 0.0), 0.5);
    EXPECT_EQ(ref::unary(UnaryOp::step, 0.0), 0.0);
    EXPECT_TRUE(std::isnan(ref::unary(UnaryOp::relu, NAN)));
}

TEST(Reference, GemmAllTransposes) {
    // a = [[1,2,3],[4,5,6]] (2,3), b = [[1,0],[0,1],[1,1]] (3,2): a b = [[4,5],[10,11]]
    const HostTensor a = make({2, 3}, {1, 2, 3, 4, 5, 6});
    const HostTensor b = make({3, 2}, {1, 0, 0, 1, 1, 1});
    const std::vector<double> expected{4, 5, 10, 11};
    for (int flags = 0; flags < 4; ++flags) {
        const bool ta = flags & 1, tb = flags & 2;
        HostTensor c(Shape{2, 2}, NAN);  // beta == 0 must ignore the NaN
        ref::gemm(ta, tb, 1.0, ta ? ref::transpose(a) : a, tb ? ref::transpose(b) : b, 0.0, c);
        EXPECT_EQ(c.values, expected) << "trans_a " << ta << " trans_b " << tb;
    }
    HostTensor c = make({2, 2}, {1, 1, 1, 1});
    ref::gemm(false, false, 2.0, a, b, -1.0, c);
    EXPECT_EQ(c.values, (std::vector<double>{7, 9, 19, 21}));
}

TEST(Reference, ReductionsOverAxes) {
    const HostTensor x = make({2, 3}, {1, 5, 3, 4, 2, 6});
    EXPECT_EQ(ref::reduce(ReduceOp::sum, x, 0, false).values, (std::vector<double>{5, 7, 9}));
    const HostTensor rows = ref::reduce(ReduceOp::max, x, 1, true);
    EXPECT_EQ(rows.shape, (Shape{2, 1}));
    EXPECT_EQ(rows.values, (std::vector<double>{5, 6}));
    EXPECT_EQ(ref::reduce(ReduceOp::mean, x, std::nullopt, false)[0], 3.5);
    EXPECT_TRUE(
        std::isnan(ref::reduce(ReduceOp::mean, HostTensor(Shape{0}), std::nullopt, false)[0]));
    EXPECT_EQ(ref::argmax(x, 1, false).values, (std::vector<double>{1, 2}));
    EXPECT_EQ(ref::argmax(make({4}, {1, NAN, 7, NAN}), 0, false)[0], 1.0);
}

TEST(Reference, AdamFirstStepMovesByLearningRate) {
    // At step 1 the bias-corrected m_hat = g and v_hat = g^2, so p moves by lr * sign(g)
    // (up to eps).
    HostTensor p = make({2}, {1.0, -1.0}), m(Shape{2}), v(Shape{2});
    ref::adam_update(p, make({2}, {0.5, -2.0}), m, v, AdamParams{0.1, 0.9, 0.999, 0.0, 1});
    EXPECT_NEAR(p[0], 0.9, 1e-12);
    EXPECT_NEAR(p[1], -0.9, 1e-12);
}

TEST(Reference, LinearForwardSineAndBackward) {
    // x (1,2) = [1, 2], w (1,2) = [0.5, 0.25], b = 0.1: z = 1.1
    const HostTensor x = make({1, 2}, {1, 2}), w = make({1, 2}, {0.5, 0.25}), b = make({1}, {0.1});
    const ref::LinearForward f = ref::linear_act_forward(Activation::sine, 30.0, x, w, &b);
    EXPECT_NEAR(f.z[0], 1.1, 1e-15);
    EXPECT_NEAR(f.y[0], std::sin(33.0), 1e-12);
    EXPECT_NEAR(f.dact[0], 30.0 * std::cos(33.0), 1e-12);
    const ref::LinearBackward g = ref::linear_act_backward(x, w, make({1, 1}, {2.0}), &f.dact);
    EXPECT_NEAR(g.dw[1], 2.0 * f.dact[0] * 2.0, 1e-12);
    EXPECT_NEAR(g.dx[0], 2.0 * f.dact[0] * 0.5, 1e-12);
    EXPECT_NEAR(g.db[0], 2.0 * f.dact[0], 1e-12);
}

TEST(Reference, SeededGeneratorsRepeatAndRespectBounds) {
    const HostTensor a = random_uniform(Shape{1000}, -2.0, 3.0, 42);
    EXPECT_EQ(a.values, random_uniform(Shape{1000}, -2.0, 3.0, 42).values);
    EXPECT_NE(a.values, random_uniform(Shape{1000}, -2.0, 3.0, 43).values);
    for (double v : a.values) {
        EXPECT_GE(v, -2.0);
        EXPECT_LT(v, 3.0);
    }
    const HostTensor f = random_uniform(Shape{100}, 0.0, 1.0, 7, DType::f32);
    for (double v : f.values) EXPECT_EQ(v, static_cast<double>(static_cast<float>(v)));
    const HostTensor ints = random_integers(Shape{1000}, -3, 3, 1);
    for (double v : ints.values) {
        EXPECT_EQ(v, std::round(v));
        EXPECT_LE(std::fabs(v), 3.0);
    }
}

}  // namespace
}  // namespace anvil::test
