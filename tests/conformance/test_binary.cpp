// Conformance of the binary ops (add sub mul div maximum minimum) with full NumPy
// broadcasting: scalar against tensor, (N,1) against (1,M), rank-3/4 corners, size-0
// dimensions, incompatible shapes, NaN/Inf through every op, and outputs aliasing an operand.
#include <cmath>
#include <limits>

#include "conformance.h"

namespace anvil::test {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using ShapePair = std::pair<Shape, Shape>;

class BinaryCase : public BackendTest {
protected:
    // a, b: any broadcast-compatible shapes -> op(a, b) compared with the reference.
    void check(BinaryOp op, const HostTensor& a, const HostTensor& b) {
        const HostTensor expected = ref::binary(op, a, b);
        const Tensor out = binary(op, upload(a), upload(b));
        EXPECT_EQ(out.shape(), expected.shape) << op_name(op);
        EXPECT_TRUE(all_close(to_host(out), expected, dtype(), tolerance(to_op(op))))
            << op_name(op) << " of " << a.shape.to_string() << " and " << b.shape.to_string();
    }
    // Random operands of the two shapes; divisors stay away from zero so that div's result is
    // a meaningful number (division by zero is covered by the special values).
    void check_shapes(BinaryOp op, const std::vector<ShapePair>& pairs, std::uint64_t seed) {
        for (const auto& [sa, sb] : pairs) {
            SCOPED_TRACE(sa.to_string() + " and " + sb.to_string());
            const HostTensor a = uniform(sa, -4.0, 4.0, seed++);
            HostTensor b = uniform(sb, 0.25, 4.0, seed++);
            Rng signs(seed++);
            for (double& v : b.values) v = signs.integer(0, 1) ? v : -v;
            check(op, a, b);
        }
    }
};

// Every special value against every other, as (S,1) against (1,S).
HostTensor special_column() {
    std::vector<double> v{0.0, -0.0, 1.0, -2.5, 3.0, kInf, -kInf, kNaN, 1e30, -1e-30};
    const Shape shape{static_cast<std::int64_t>(v.size()), 1};
    return HostTensor(shape, std::move(v));
}

const std::vector<ShapePair> kScalarPairs{{Shape{}, Shape{3, 4}}, {Shape{3, 4}, Shape{}},
                                          {Shape{}, Shape{}},     {Shape{1}, Shape{5}},
                                          {Shape{5}, Shape{1}},   {Shape{1, 1}, Shape{7}}};
const std::vector<ShapePair> kRowColumnPairs{
    {Shape{7, 1}, Shape{1, 17}},  {Shape{1, 17}, Shape{7, 1}},   {Shape{7, 1}, Shape{17}},
    {Shape{7, 17}, Shape{17}},    {Shape{17}, Shape{7, 17}},     {Shape{7, 17}, Shape{7, 1}},
    {Shape{7, 17}, Shape{1, 17}}, {Shape{1023, 1}, Shape{1, 65}}};
const std::vector<ShapePair> kRank34Pairs{
    {Shape{4, 1, 3}, Shape{5, 1}},          {Shape{2, 1, 4, 1}, Shape{3, 1, 5}},
    {Shape{2, 3, 4, 5}, Shape{5}},          {Shape{2, 3, 4, 5}, Shape{4, 1}},
    {Shape{2, 3, 4, 5}, Shape{1, 3, 1, 1}}, {Shape{1, 1, 1, 1}, Shape{2, 3, 4, 5}},
    {Shape{2, 1, 1, 5}, Shape{1, 3, 4, 1}}, {Shape{3, 1, 1}, Shape{1, 1, 1, 1}},
    {Shape{2, 3, 4, 5}, Shape{2, 3, 4, 5}}, {Shape{3, 1, 7}, Shape{3, 17, 1}},
    {Shape{1, 3, 1, 7}, Shape{2, 1, 5, 1}}};
const std::vector<ShapePair> kZeroSizePairs{
    {Shape{0, 3}, Shape{3}},    {Shape{0, 1}, Shape{1, 4}},
    {Shape{3, 0}, Shape{3, 1}}, {Shape{2, 0, 4}, Shape{1, 1, 4}},
    {Shape{0}, Shape{}},        {Shape{1}, Shape{0}},
    {Shape{0}, Shape{0}}};

// Suite `Name` for BinaryOp::op: tests read "Add.RowAndColumn/cpu".
#define ANVIL_BINARY_SUITE(Name, op_)                                                          \
    ANVIL_DTYPE_SUITE_OF(Name, BinaryCase);                                                    \
    TEST_P(Name, SameShapeOddSizes) {                                                          \
        ANVIL_REQUIRE_OP(to_op(op_));                                                          \
        std::vector<ShapePair> pairs;                                                          \
        for (std::int64_t n : kOddSizes) pairs.push_back({Shape{n}, Shape{n}});                \
        pairs.push_back({Shape{1, 1}, Shape{1, 1}});                                           \
        pairs.push_back({Shape{33, 65}, Shape{33, 65}});                                       \
        check_shapes(op_, pairs, 1000);                                                        \
    }                                                                                          \
    TEST_P(Name, ScalarAndTensor) {                                                            \
        ANVIL_REQUIRE_OP(to_op(op_));                                                          \
        check_shapes(op_, kScalarPairs, 2000);                                                 \
    }                                                                                          \
    TEST_P(Name, RowAndColumn) {                                                               \
        ANVIL_REQUIRE_OP(to_op(op_));                                                          \
        check_shapes(op_, kRowColumnPairs, 3000);                                              \
    }                                                                                          \
    TEST_P(Name, Rank3And4Corners) {                                                           \
        ANVIL_REQUIRE_OP(to_op(op_));                                                          \
        check_shapes(op_, kRank34Pairs, 4000);                                                 \
    }                                                                                          \
    TEST_P(Name, ZeroSizedDimensions) {                                                        \
        ANVIL_REQUIRE_OP(to_op(op_));                                                          \
        check_shapes(op_, kZeroSizePairs, 5000);                                               \
    }                                                                                          \
    TEST_P(Name, SpecialValues) {                                                              \
        ANVIL_REQUIRE_OP(to_op(op_));                                                          \
        const HostTensor column = round_to(special_column(), dtype());                         \
        check(op_, column, ref::transpose(column));                                            \
    }                                                                                          \
    TEST_P(Name, IncompatibleShapesAreAnError) {                                               \
        ANVIL_REQUIRE_OP(to_op(op_));                                                          \
        const std::string tag = std::string("[") + op_name(op_) + "]";                         \
        const Tensor a = upload(HostTensor(Shape{2, 3}));                                      \
        const Tensor b = upload(HostTensor(Shape{4, 3}));                                      \
        EXPECT_TRUE(throws_error([&] { binary(op_, a, b); }, tag, {"(2,3)", "(4,3)"}));        \
        const Tensor c = upload(HostTensor(Shape{2, 3, 4}));                                   \
        const Tensor d = upload(HostTensor(Shape{3, 3}));                                      \
        EXPECT_TRUE(throws_error([&] { binary(op_, c, d); }, tag, {"(2,3,4)", "(3,3)"}));      \
    }                                                                                          \
    TEST_P(Name, OutputMayAliasAnOperand) {                                                    \
        ANVIL_REQUIRE_OP(to_op(op_));                                                          \
        const HostTensor a = uniform(Shape{17, 9}, -2.0, 2.0, 6000);                           \
        const HostTensor b = uniform(Shape{17, 9}, 0.5, 2.0, 6001);                            \
        const HostTensor expected = ref::binary(op_, a, b);                                    \
        Tensor ta = upload(a), tb = upload(b);                                                 \
        binary_into(op_, ta, tb, ta);                                                          \
        EXPECT_TRUE(all_close(to_host(ta), expected, dtype(), tolerance(to_op(op_))));         \
        Tensor ta2 = upload(a), tb2 = upload(b);                                               \
        binary_into(op_, ta2, tb2, tb2);                                                       \
        EXPECT_TRUE(all_close(to_host(tb2), expected, dtype(), tolerance(to_op(op_))));        \
        /* (17,9) + (9) into the (17,9) operand: the broadcast operand is read intact */       \
        const HostTensor row = uniform(Shape{9}, 0.5, 2.0, 6002);                              \
        Tensor tc = upload(a);                                                                 \
        binary_into(op_, tc, upload(row), tc);                                                 \
        EXPECT_TRUE(                                                                           \
            all_close(to_host(tc), ref::binary(op_, a, row), dtype(), tolerance(to_op(op_)))); \
    }

ANVIL_BINARY_SUITE(Add, BinaryOp::add)
ANVIL_BINARY_SUITE(Sub, BinaryOp::sub)
ANVIL_BINARY_SUITE(Mul, BinaryOp::mul)
ANVIL_BINARY_SUITE(Div, BinaryOp::div)
ANVIL_BINARY_SUITE(Maximum, BinaryOp::maximum)
ANVIL_BINARY_SUITE(Minimum, BinaryOp::minimum)

// The NaN rules spelled out, beyond the special-value grid: NaN in either operand of add,
// maximum and minimum gives NaN (NumPy; std::fmax would drop it).
TEST_P(Maximum, NaNInEitherOperandGivesNaN) {
    ANVIL_REQUIRE_OP(Op::maximum);
    ANVIL_REQUIRE_OP(Op::minimum);
    ANVIL_REQUIRE_OP(Op::add);
    const Tensor a = upload(HostTensor(Shape{4}, {kNaN, 1.0, kNaN, -kInf}));
    const Tensor b = upload(HostTensor(Shape{4}, {1.0, kNaN, kNaN, kNaN}));
    for (double v : to_host(maximum(a, b)).values) EXPECT_TRUE(std::isnan(v));
    for (double v : to_host(minimum(a, b)).values) EXPECT_TRUE(std::isnan(v));
    for (double v : to_host(add(a, b)).values) EXPECT_TRUE(std::isnan(v));
}

}  // namespace
}  // namespace anvil::test
