// Every validation error of matmul, gemm, transpose, the reductions and argmax: messages start
// with "[op]" and name the operands' shapes ("[matmul] inner dimensions differ: (3,4) x (5,6)").
// Also the result shapes of empty operands, which the core settles without running a kernel.
#include "validation_fixture.h"

namespace anvil {
namespace {

class LinalgValidation : public OpsValidation {};
class ReduceValidation : public OpsValidation {};
ANVIL_VALIDATE_ON_DEVICES(LinalgValidation);
ANVIL_VALIDATE_ON_DEVICES(ReduceValidation);

constexpr ReduceOp kReduceOps[] = {ReduceOp::sum, ReduceOp::mean, ReduceOp::max, ReduceOp::min};

TEST_P(LinalgValidation, MatmulChecksOperands) {
    const Tensor a = f32(Shape{3, 4});
    EXPECT_EQ(error_of([&] { matmul(Tensor(), a); }), "[matmul] left operand is an undefined tensor");
    EXPECT_EQ(error_of([&] { matmul(a, Tensor()); }), "[matmul] right operand is an undefined tensor");
    EXPECT_EQ(error_of([&] { matmul(a, elsewhere(Shape{4, 2})); }), mixed("matmul"));
    EXPECT_EQ(error_of([&] { matmul(a, f64(Shape{4, 2})); }), "[matmul] dtypes differ: f32 and f64");
    EXPECT_EQ(error_of([&] { matmul(i64(Shape{2, 2}), i64(Shape{2, 2})); }),
              "[matmul] expects a floating-point tensor, got i64 (2,2) on " + here());
    EXPECT_EQ(error_of([&] { matmul(f32(Shape{2, 3, 4}), f32(Shape{4, 5})); }),
              "[matmul] operands must be 2-D, got (2,3,4) x (4,5)");
    EXPECT_EQ(error_of([&] { matmul(f32(Shape{4}), f32(Shape{4, 5})); }),
              "[matmul] operands must be 2-D, got (4) x (4,5)");
}

TEST_P(LinalgValidation, MatmulInnerDimensionsNameBothShapesAndTransposes) {
    EXPECT_EQ(error_of([&] { matmul(f32(Shape{3, 4}), f32(Shape{5, 6})); }),
              "[matmul] inner dimensions differ: (3,4) x (5,6)");
    EXPECT_EQ(error_of([&] { matmul(f32(Shape{4, 3}), f32(Shape{5, 6}), true, false); }),
              "[matmul] inner dimensions differ: (4,3)^T x (5,6)");
    EXPECT_EQ(error_of([&] { matmul(f32(Shape{3, 4}), f32(Shape{6, 5}), false, true); }),
              "[matmul] inner dimensions differ: (3,4) x (6,5)^T");
}

TEST_P(LinalgValidation, GemmChecksTheOutput) {
    const Tensor a = f32(Shape{3, 4}), b = f32(Shape{4, 5});
    Tensor undefined, wrong = f32(Shape{3, 6}), wide = f64(Shape{3, 5}), far = elsewhere(Shape{3, 5});
    EXPECT_EQ(error_of([&] { gemm(false, false, 1.0, a, b, 0.0, undefined); }), "[gemm] output is an undefined tensor");
    EXPECT_EQ(error_of([&] { gemm(false, false, 1.0, a, b, 0.0, wrong); }),
              "[gemm] output has shape (3,6), expected (3,5)");
    EXPECT_EQ(error_of([&] { gemm(false, false, 1.0, a, b, 0.0, wide); }), "[gemm] dtypes differ: f32 and f64");
    EXPECT_EQ(error_of([&] { gemm(false, false, 1.0, a, b, 0.0, far); }), mixed("gemm"));
    EXPECT_EQ(error_of([&] { gemm(true, false, 1.0, a, b, 0.0, wrong); }),
              "[gemm] inner dimensions differ: (3,4)^T x (4,5)");
    Tensor square = f32(Shape{2, 2});
    EXPECT_EQ(error_of([&] { gemm(false, false, 1.0, square, f32(Shape{2, 2}), 1.0, square); }),
              "[gemm] output aliases an operand");
}

TEST_P(LinalgValidation, EmptyProductsNeedNoKernel) {
    EXPECT_EQ(matmul(f32(Shape{0, 4}), f32(Shape{4, 5})).shape(), (Shape{0, 5}));
    EXPECT_EQ(matmul(f32(Shape{3, 4}), f32(Shape{0, 4}), false, true).shape(), (Shape{3, 0}));
    Tensor c = f32(Shape{0, 5});
    gemm(false, false, 1.0, f32(Shape{0, 4}), f32(Shape{4, 5}), 0.0, c);
    EXPECT_EQ(c.shape(), (Shape{0, 5}));
}

TEST_P(LinalgValidation, TransposeNeedsOneTwoDimensionalTensor) {
    EXPECT_EQ(error_of([&] { transpose(Tensor()); }), "[transpose] input is an undefined tensor");
    EXPECT_EQ(error_of([&] { transpose(f32(Shape{2, 3, 4})); }), "[transpose] expects a 2-D tensor, got (2,3,4)");
    EXPECT_EQ(error_of([&] { transpose(f32(Shape{5})); }), "[transpose] expects a 2-D tensor, got (5)");
    EXPECT_EQ(transpose(f32(Shape{0, 3})).shape(), (Shape{3, 0}));
}

TEST_P(ReduceValidation, EveryReductionChecksInputAndAxis) {
    for (ReduceOp op : kReduceOps) {
        const std::string t = std::string("[") + op_name(op) + "] ";
        EXPECT_EQ(error_of([&] { reduce(op, Tensor()); }), t + "input is an undefined tensor");
        EXPECT_EQ(error_of([&] { reduce(op, i64(Shape{2})); }),
                  t + "expects a floating-point tensor, got i64 (2) on " + here());
        EXPECT_EQ(error_of([&] { reduce(op, f32(Shape{2, 3}), 2); }), t + "axis 2 out of range for rank 2");
        EXPECT_EQ(error_of([&] { reduce(op, f32(Shape{2, 3}), -3); }), t + "axis -3 out of range for rank 2");
        EXPECT_EQ(error_of([&] { reduce(op, f32(Shape{}), 0); }), t + "cannot reduce a scalar along axis 0");
    }
    EXPECT_EQ(error_of([&] { mean(f32(Shape{4}), 1, true); }), "[mean] axis 1 out of range for rank 1");
}

TEST_P(ReduceValidation, MaxAndMinOfNothingHaveNoIdentity) {
    const Tensor empty = f32(Shape{0, 3});
    const std::string what = "reduction of zero elements has no identity: f32 (0,3) on " + here();
    EXPECT_EQ(error_of([&] { max(empty); }), "[max] " + what);
    EXPECT_EQ(error_of([&] { min(empty, 0); }), "[min] " + what);
    EXPECT_EQ(error_of([&] { max(empty, -2, true); }), "[max] " + what);
    // Along the non-empty axis there is simply nothing to compute.
    EXPECT_EQ(max(empty, 1).shape(), Shape{0});
    EXPECT_EQ(sum(empty, 1, true).shape(), (Shape{0, 1}));
}

TEST_P(ReduceValidation, ArgmaxChecksInputAndAxis) {
    EXPECT_EQ(error_of([&] { argmax(Tensor(), 0); }), "[argmax] input is an undefined tensor");
    EXPECT_EQ(error_of([&] { argmax(i64(Shape{3}), 0); }),
              "[argmax] expects a floating-point tensor, got i64 (3) on " + here());
    EXPECT_EQ(error_of([&] { argmax(f32(Shape{2, 3}), 2); }), "[argmax] axis 2 out of range for rank 2");
    EXPECT_EQ(error_of([&] { argmax(f32(Shape{}), 0); }), "[argmax] cannot reduce a scalar along axis 0");
    EXPECT_EQ(error_of([&] { argmax(f32(Shape{0, 3}), 0); }), "[argmax] axis 0 of f32 (0,3) on " + here() + " is empty");
    const Tensor none = argmax(f32(Shape{0, 3}), 1, true);
    EXPECT_EQ(none.shape(), (Shape{0, 1}));
    EXPECT_EQ(none.dtype(), DType::i64);
}

}  // namespace
}  // namespace anvil
