// Conformance of the reductions (sum mean max min over all elements and each axis, with and
// without keepdims) and argmax: odd and empty sizes, integer-valued data summed exactly,
// NaN/Inf propagation, ties, and the errors for impossible reductions.
#include <cmath>
#include <limits>

#include "conformance.h"

namespace anvil::test {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

class ReduceCase : public BackendTest {
protected:
    // x: any shape; axis empty = all elements. sum and mean are charged gamma(n) sum|x| for the
    // accumulation of n terms in any order (mean: divided by n); max and min are exact.
    void check(ReduceOp op, const HostTensor& x, std::optional<int> axis, bool keepdims) {
        const HostTensor expected = ref::reduce(op, x, axis, keepdims);
        const Tensor out = reduce(op, upload(x), axis, keepdims);
        ASSERT_EQ(out.shape(), expected.shape)
            << op_name(op) << " of " << x.shape.to_string() << " keepdims " << keepdims;
        HostTensor extra(expected.shape, 0.0);
        if (op == ReduceOp::sum || op == ReduceOp::mean) {
            const std::int64_t n = axis ? x.shape.dim(*axis) : x.numel();
            extra = ref::reduce_magnitude(x, axis, keepdims);
            const double scale = gamma_n(n) / (op == ReduceOp::mean && n > 0 ? double(n) : 1.0);
            for (double& v : extra.values) v *= scale;
        }
        EXPECT_TRUE(all_close(to_host(out), expected, dtype(), tolerance(to_op(op)), &extra))
            << op_name(op) << " of " << x.shape.to_string() << " axis "
            << (axis ? std::to_string(*axis) : "all") << " keepdims " << keepdims;
    }
    void check_all_ways(ReduceOp op, const HostTensor& x) {
        for (bool keepdims : {false, true}) {
            check(op, x, std::nullopt, keepdims);
            for (int axis = -x.shape.rank(); axis < x.shape.rank(); ++axis)
                check(op, x, axis, keepdims);
        }
    }
};

// Suite `Name` for ReduceOp::op: tests read "Sum.EachAxis/cpu".
#define ANVIL_REDUCE_SUITE(Name, op_)                                                     \
    ANVIL_DTYPE_SUITE_OF(Name, ReduceCase);                                               \
    TEST_P(Name, AllElementsOddSizes) {                                                   \
        ANVIL_REQUIRE_OP(to_op(op_));                                                     \
        for (std::int64_t n : kOddSizes) {                                                \
            if (n == 0) continue; /* see EmptyInputs */                                   \
            check(op_, uniform(Shape{n}, -1.0, 1.0, 200 + static_cast<std::uint64_t>(n)), \
                  std::nullopt, false);                                                   \
        }                                                                                 \
        check(op_, uniform(Shape{}, -1.0, 1.0, 201), std::nullopt, false);                \
        check(op_, uniform(Shape{1, 1}, -1.0, 1.0, 202), std::nullopt, true);             \
    }                                                                                     \
    TEST_P(Name, EachAxis) {                                                              \
        ANVIL_REQUIRE_OP(to_op(op_));                                                     \
        check_all_ways(op_, uniform(Shape{3, 4, 5}, -1.0, 1.0, 210));                     \
        check_all_ways(op_, uniform(Shape{2, 3, 1, 7}, -1.0, 1.0, 211));                  \
        check_all_ways(op_, uniform(Shape{17, 1023}, -1.0, 1.0, 212));                    \
        check_all_ways(op_, uniform(Shape{1023, 7}, -1.0, 1.0, 213));                     \
        check_all_ways(op_, uniform(Shape{65537}, 0.0, 1.0, 214));                        \
    }                                                                                     \
    TEST_P(Name, NaNAndInfinity) {                                                        \
        ANVIL_REQUIRE_OP(to_op(op_));                                                     \
        /* one NaN or Inf per row of (3, 17), in a different column each */               \
        HostTensor x = uniform(Shape{3, 17}, -1.0, 1.0, 220);                             \
        x.at(0, 0) = kNaN;                                                                \
        x.at(1, 16) = kInf;                                                               \
        x.at(2, 9) = -kInf;                                                               \
        check_all_ways(op_, x);                                                           \
        HostTensor both(Shape{2}, {kInf, -kInf});                                         \
        check(op_, both, std::nullopt, false);                                            \
    }

ANVIL_REDUCE_SUITE(Sum, ReduceOp::sum)
ANVIL_REDUCE_SUITE(Mean, ReduceOp::mean)
ANVIL_REDUCE_SUITE(Max, ReduceOp::max)
ANVIL_REDUCE_SUITE(Min, ReduceOp::min)

// Whole numbers add up exactly in f32 in any order while every partial sum stays below 2^24,
// so a dropped or doubled element shows however large the input.
TEST_P(Sum, IntegerValuedIsExact) {
    ANVIL_REQUIRE_OP(Op::sum);
    const HostTensor x = random_integers(Shape{65537}, -4, 4, 230);
    EXPECT_TRUE(
        all_equal(to_host(sum(upload(x))), ref::reduce(ReduceOp::sum, x, {}, false), dtype()));
    const HostTensor ones(Shape{65537, 3}, 1.0);
    EXPECT_TRUE(all_equal(to_host(sum(upload(ones), 0)), HostTensor(Shape{3}, 65537.0), dtype()));
    const HostTensor m = random_integers(Shape{1023, 17}, -4, 4, 231);
    for (int axis : {0, 1})
        EXPECT_TRUE(all_equal(to_host(sum(upload(m), axis)),
                              ref::reduce(ReduceOp::sum, m, axis, false), dtype()));
}

TEST_P(Mean, IntegerValuedIsRoundedOnce) {
    ANVIL_REQUIRE_OP(Op::mean);
    const HostTensor x = random_integers(Shape{1023, 17}, -4, 4, 232);
    for (int axis : {0, 1})
        EXPECT_TRUE(all_close(to_host(mean(upload(x), axis)),
                              ref::reduce(ReduceOp::mean, x, axis, false), dtype(),
                              tolerance(Op::mean)));
}

TEST_P(Sum, EmptyInputs) {
    ANVIL_REQUIRE_OP(Op::sum);
    // Sum of nothing is 0, along any empty axis too; a reduction over a non-empty axis of an
    // empty tensor is empty.
    check(ReduceOp::sum, HostTensor(Shape{0}), std::nullopt, false);
    check(ReduceOp::sum, HostTensor(Shape{0, 3}), 0, false);
    check(ReduceOp::sum, HostTensor(Shape{3, 0}), 1, true);
    check(ReduceOp::sum, HostTensor(Shape{0, 3}), 1, false);
}

TEST_P(Mean, EmptyInputsAreNaN) {
    ANVIL_REQUIRE_OP(Op::mean);
    check(ReduceOp::mean, HostTensor(Shape{0}), std::nullopt, false);
    check(ReduceOp::mean, HostTensor(Shape{0, 3}), 0, true);
    check(ReduceOp::mean, HostTensor(Shape{3, 0}), 1, false);
}

TEST_P(Max, EmptyInputsAreAnError) {
    ANVIL_REQUIRE_OP(Op::max);
    ANVIL_REQUIRE_OP(Op::min);
    const Tensor empty = upload(HostTensor(Shape{0, 3}));
    EXPECT_TRUE(throws_error([&] { max(empty); }, "[max]", {"(0,3)"}));
    EXPECT_TRUE(throws_error([&] { min(empty, 0); }, "[min]", {"(0,3)"}));
    check(ReduceOp::max, HostTensor(Shape{0, 3}), 1, false);  // (0): nothing to reduce
}

TEST_P(Sum, BadAxisIsAnError) {
    ANVIL_REQUIRE_OP(Op::sum);
    const Tensor x = upload(HostTensor(Shape{2, 3}));
    EXPECT_TRUE(throws_error([&] { sum(x, 2); }, "[sum]", {"axis 2"}));
    EXPECT_TRUE(throws_error([&] { sum(x, -3); }, "[sum]", {"axis -3"}));
    EXPECT_TRUE(throws_error([&] { sum(upload(HostTensor(Shape{})), 0); }, "[sum]"));
}

// --- argmax
// ----------------------------------------------------------------------------------------
ANVIL_DTYPE_SUITE(Argmax);

TEST_P(Argmax, EachAxisWithTiesAndNaN) {
    ANVIL_REQUIRE_OP(Op::argmax);
    // Ties (small integers repeat) must resolve to the first maximum.
    HostTensor x = random_integers(Shape{5, 17, 7}, -3, 3, 240);
    x[3] = kNaN;  // (0,0,3)
    x[200] = kNaN;
    x[201] = kNaN;
    for (bool keepdims : {false, true}) {
        for (int axis = -3; axis < 3; ++axis) {
            const Tensor out = argmax(upload(x), axis, keepdims);
            EXPECT_EQ(out.dtype(), DType::i64);
            EXPECT_TRUE(all_equal(to_host(out), ref::argmax(x, axis, keepdims), DType::i64))
                << "axis " << axis << " keepdims " << keepdims;
        }
    }
}

TEST_P(Argmax, OddSizes) {
    ANVIL_REQUIRE_OP(Op::argmax);
    for (std::int64_t n : kOddSizes) {
        if (n == 0) continue;
        const HostTensor x = uniform(Shape{n}, -1.0, 1.0, 250 + static_cast<std::uint64_t>(n));
        EXPECT_TRUE(all_equal(to_host(argmax(upload(x), 0)), ref::argmax(x, 0, false), DType::i64))
            << "size " << n;
        const HostTensor col = uniform(Shape{n, 3}, -1.0, 1.0, 260 + static_cast<std::uint64_t>(n));
        EXPECT_TRUE(
            all_equal(to_host(argmax(upload(col), 0, true)), ref::argmax(col, 0, true), DType::i64))
            << "size " << n << " x 3";
    }
    const HostTensor inf(Shape{4}, {-kInf, 2.0, kInf, kInf});
    EXPECT_EQ(to_host(argmax(upload(inf), 0))[0], 2.0);
}

TEST_P(Argmax, EmptyAxisIsAnError) {
    ANVIL_REQUIRE_OP(Op::argmax);
    const Tensor x = upload(HostTensor(Shape{3, 0}));
    EXPECT_TRUE(throws_error([&] { argmax(x, 1); }, "[argmax]", {"(3,0)"}));
    EXPECT_EQ(argmax(x, 0).shape(), (Shape{0}));
}

}  // namespace
}  // namespace anvil::test
