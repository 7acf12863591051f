// Shape (ranks 0 to 8, element counts, printing, axis handling), DType, and the small naming
// helpers that every error message and capability listing relies on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "anvil/dtype.h"
#include "anvil/op.h"
#include "anvil/registry.h"
#include "anvil/shape.h"
#include "support/expect_error.h"

namespace anvil {
namespace {

using ::testing::HasSubstr;

TEST(Shape, RankZeroIsAScalarWithOneElement) {
    const Shape scalar;
    EXPECT_EQ(scalar.rank(), 0);
    EXPECT_EQ(scalar.numel(), 1);
    EXPECT_EQ(scalar.to_string(), "()");
    EXPECT_EQ(Shape(std::vector<std::int64_t>{}), scalar);
}

TEST(Shape, RanksOneToEightCountAndPrint) {
    std::vector<std::int64_t> dims;
    std::int64_t expected = 1;
    std::string text;
    for (int rank = 1; rank <= Shape::kMaxRank; ++rank) {
        const std::int64_t d = rank + 1;  // 2, 3, ..., 9
        dims.push_back(d);
        expected *= d;
        if (!text.empty()) text += ",";
        text += std::to_string(d);
        const Shape shape(dims);
        EXPECT_EQ(shape.rank(), rank);
        EXPECT_EQ(shape.numel(), expected);
        EXPECT_EQ(shape.to_string(), "(" + text + ")");
        EXPECT_EQ(shape[rank - 1], d);
        EXPECT_EQ(shape.dim(-1), d);
        EXPECT_EQ(shape.dim(0), 2);
    }
}

TEST(Shape, ZeroExtentMeansNoElements) {
    EXPECT_EQ(Shape({3, 0, 5}).numel(), 0);
    EXPECT_EQ(Shape({0}).to_string(), "(0)");
}

TEST(Shape, RankAboveMaximumIsRefused) {
    EXPECT_EQ(error_of([] { Shape(std::vector<std::int64_t>(9, 1)); }),
              "[shape] rank 9 exceeds the maximum of 8");
}

TEST(Shape, NegativeDimensionIsRefusedByBothConstructors) {
    EXPECT_EQ(error_of([] { Shape({2, -3}); }), "[shape] negative dimension -3");
    EXPECT_EQ(error_of([] { Shape(std::vector<std::int64_t>{-1}); }), "[shape] negative dimension -1");
}

TEST(Shape, DimAcceptsNegativeAxesAndRefusesOutOfRange) {
    const Shape shape{4, 5, 6};
    EXPECT_EQ(shape.dim(-3), 4);
    EXPECT_EQ(shape.dim(2), 6);
    EXPECT_EQ(error_of([&] { (void)shape.dim(3); }), "[shape] axis 3 out of range for rank 3");
    EXPECT_EQ(error_of([&] { (void)shape.dim(-4); }), "[shape] axis -4 out of range for rank 3");
}

TEST(Shape, EqualityComparesDimensions) {
    EXPECT_EQ(Shape({2, 3}), Shape(std::vector<std::int64_t>{2, 3}));
    EXPECT_NE(Shape({2, 3}), Shape({3, 2}));
    EXPECT_NE(Shape({6}), Shape({6, 1}));
}

TEST(NormalizeAxis, MapsNegativeAxesAndNamesTheOp) {
    EXPECT_EQ(normalize_axis("sum", 0, 3), 0);
    EXPECT_EQ(normalize_axis("sum", -1, 3), 2);
    EXPECT_EQ(normalize_axis("sum", -3, 3), 0);
    EXPECT_EQ(error_of([] { normalize_axis("sum", 3, 3); }), "[sum] axis 3 out of range for rank 3");
    EXPECT_EQ(error_of([] { normalize_axis("argmax", -4, 3); }), "[argmax] axis -4 out of range for rank 3");
    EXPECT_EQ(error_of([] { normalize_axis("mean", 0, 0); }), "[mean] axis 0 out of range for rank 0");
}

TEST(DType, SizesNamesAndKinds) {
    EXPECT_EQ(dtype_size(DType::f32), 4u);
    EXPECT_EQ(dtype_size(DType::f64), 8u);
    EXPECT_EQ(dtype_size(DType::i64), 8u);
    EXPECT_STREQ(dtype_name(DType::f32), "f32");
    EXPECT_STREQ(dtype_name(DType::f64), "f64");
    EXPECT_STREQ(dtype_name(DType::i64), "i64");
    EXPECT_TRUE(is_floating(DType::f32));
    EXPECT_TRUE(is_floating(DType::f64));
    EXPECT_FALSE(is_floating(DType::i64));
    EXPECT_EQ(dtype_of<float>::value, DType::f32);
    EXPECT_EQ(dtype_of<double>::value, DType::f64);
    EXPECT_EQ(dtype_of<std::int64_t>::value, DType::i64);
}

TEST(DType, ParseAcceptsShortAndLongNames) {
    EXPECT_EQ(parse_dtype("f32"), DType::f32);
    EXPECT_EQ(parse_dtype("float32"), DType::f32);
    EXPECT_EQ(parse_dtype("f64"), DType::f64);
    EXPECT_EQ(parse_dtype("float64"), DType::f64);
    EXPECT_EQ(parse_dtype("i64"), DType::i64);
    EXPECT_EQ(error_of([] { parse_dtype("f16"); }), "[dtype] unknown dtype 'f16' (expected f32, f64 or i64)");
}

TEST(FormatBytes, PicksAReadableUnit) {
    EXPECT_EQ(format_bytes(0), "0 B");
    EXPECT_EQ(format_bytes(512), "512 B");
    EXPECT_EQ(format_bytes(1536), "1.50 KiB");
    EXPECT_EQ(format_bytes(std::size_t(12) << 20), "12.00 MiB");
    EXPECT_EQ(format_bytes(std::size_t(3) << 30), "3.00 GiB");
}

TEST(OpNames, EveryOpHasItsOwnName) {
    std::set<std::string> names;
    for (int i = 0; i < kOpCount; ++i) {
        const std::string name = op_name(static_cast<Op>(i));
        EXPECT_NE(name, "?") << "op " << i;
        names.insert(name);
    }
    EXPECT_EQ(names.size(), static_cast<std::size_t>(kOpCount));
}

TEST(OpNames, FamiliesMapOntoTheOpVocabulary) {
    EXPECT_EQ(to_op(UnaryOp::neg), Op::neg);
    EXPECT_EQ(to_op(UnaryOp::step), Op::step);
    EXPECT_EQ(to_op(BinaryOp::add), Op::add);
    EXPECT_EQ(to_op(BinaryOp::minimum), Op::minimum);
    EXPECT_EQ(to_op(ReduceOp::sum), Op::sum);
    EXPECT_EQ(to_op(ReduceOp::min), Op::min);
    EXPECT_STREQ(op_name(UnaryOp::sigmoid), "sigmoid");
    EXPECT_STREQ(op_name(BinaryOp::maximum), "maximum");
    EXPECT_STREQ(op_name(ReduceOp::mean), "mean");
    EXPECT_FALSE(is_composite(Op::transpose));
    EXPECT_TRUE(is_composite(Op::linear_act_forward));
    EXPECT_TRUE(is_composite(Op::sgd_update));
}

TEST(OpNames, ActivationsParseCaseInsensitively) {
    for (Activation a : {Activation::identity, Activation::sine, Activation::relu, Activation::tanh,
                         Activation::sigmoid})
        EXPECT_EQ(parse_activation(activation_name(a)), a);
    EXPECT_EQ(parse_activation("SINE"), Activation::sine);
    EXPECT_THAT(error_of([] { parse_activation("gelu"); }), HasSubstr("[activation] unknown activation 'gelu'"));
}

TEST(LoadOutcome, EveryOutcomeHasADistinctName) {
    std::set<std::string> names;
    for (LoadOutcome o : {LoadOutcome::loaded, LoadOutcome::skipped, LoadOutcome::open_failed,
                          LoadOutcome::abi_mismatch, LoadOutcome::factory_threw,
                          LoadOutcome::no_backend, LoadOutcome::duplicate,
                          LoadOutcome::variant_unsupported, LoadOutcome::variant_not_chosen})
        names.insert(load_outcome_name(o));
    EXPECT_EQ(names.size(), 9u);
    EXPECT_EQ(names.count("?"), 0u);
}

}  // namespace
}  // namespace anvil
