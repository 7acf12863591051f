// Every validation error of the elementwise ops in anvil/ops.h (fill, copy, unary, clip,
// affine, broadcasting binary): each message starts with "[op]" and names the operands, and
// mixing devices names both devices. Also the capability check: an op a device does not
// declare for a dtype is refused naming backend, device, op and dtype.
#include "validation_fixture.h"

namespace anvil {
namespace {

// reshape({6, 4}) would be ambiguous between the Shape and the vector overloads.
using Dims = std::vector<std::int64_t>;

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class ElementwiseValidation : public OpsValidation {};
ANVIL_VALIDATE_ON_DEVICES(ElementwiseValidation);

using anvil::kUnaryOps;  // every unary op of the table
constexpr BinaryOp kBinaryOps[] = {BinaryOp::add, BinaryOp::sub, BinaryOp::mul,
                                   BinaryOp::div, BinaryOp::maximum, BinaryOp::minimum};

std::string tag(const char* op) { return std::string("[") + op + "] "; }

TEST_P(ElementwiseValidation, FillNeedsADefinedOutput) {
    Tensor undefined;
    EXPECT_EQ(error_of([&] { fill_(undefined, 1.0); }), "[fill] output is an undefined tensor");
}

TEST_P(ElementwiseValidation, CopyChecksBothSidesDtypeAndShape) {
    Tensor undefined, dst = f32(Shape{2, 2});
    EXPECT_EQ(error_of([&] { copy_into(undefined, dst); }), "[copy] source is an undefined tensor");
    EXPECT_EQ(error_of([&] { copy_into(dst, undefined); }), "[copy] destination is an undefined tensor");
    Tensor wide = f64(Shape{2, 2});
    EXPECT_EQ(error_of([&] { copy_into(f32(Shape{2, 2}), wide); }), "[copy] dtypes differ: f32 and f64");
    Tensor flat = f32(Shape{4});
    EXPECT_EQ(error_of([&] { copy_into(f32(Shape{2, 2}), flat); }),
              "[copy] destination shape (4) does not match (2,2)");
}

TEST_P(ElementwiseValidation, EveryUnaryOpRefusesUndefinedAndIntegerInput) {
    for (UnaryOp op : kUnaryOps) {
        const char* name = op_name(op);
        EXPECT_EQ(error_of([&] { unary(op, Tensor()); }), tag(name) + "input is an undefined tensor");
        EXPECT_EQ(error_of([&] { unary(op, i64(Shape{2})); }),
                  tag(name) + "expects a floating-point tensor, got i64 (2) on " + here());
    }
    // The named shorthands go through the same checks.
    EXPECT_EQ(error_of([&] { anvil::sin(Tensor()); }), "[sin] input is an undefined tensor");
    EXPECT_EQ(error_of([&] { anvil::sigmoid(i64(Shape{1})); }),
              "[sigmoid] expects a floating-point tensor, got i64 (1) on " + here());
}

TEST_P(ElementwiseValidation, UnaryIntoChecksTheOutput) {
    const Tensor x = f32(Shape{2, 2});
    Tensor undefined, wrong_shape = f32(Shape{3}), wrong_dtype = f64(Shape{2, 2}),
                      far = elsewhere(Shape{2, 2});
    EXPECT_EQ(error_of([&] { unary_into(UnaryOp::sin, x, undefined); }), "[sin] output is an undefined tensor");
    EXPECT_EQ(error_of([&] { unary_into(UnaryOp::sin, x, wrong_shape); }),
              "[sin] output has shape (3), expected (2,2)");
    EXPECT_EQ(error_of([&] { unary_into(UnaryOp::exp, x, wrong_dtype); }), "[exp] dtypes differ: f32 and f64");
    EXPECT_EQ(error_of([&] { unary_into(UnaryOp::relu, x, far); }), mixed("relu"));
}

TEST_P(ElementwiseValidation, ClipRefusesNaNBoundsAndLoAboveHi) {
    const Tensor x = f32(Shape{3});
    EXPECT_THAT(error_of([&] { clip(x, std::nan(""), 1.0); }), StartsWith("[clip] bounds must not be NaN (lo "));
    EXPECT_THAT(error_of([&] { clip(x, 0.0, std::nan("")); }), StartsWith("[clip] bounds must not be NaN (lo "));
    EXPECT_THAT(error_of([&] { clip(x, 2.0, 1.0); }), AllOf(StartsWith("[clip] lo (2"), HasSubstr(") > hi (1")));
    Tensor out = f32(Shape{2});
    EXPECT_THAT(error_of([&] { clip_into(x, 2.0, 1.0, out); }), StartsWith("[clip] lo (2"));
    EXPECT_EQ(error_of([&] { clip_into(x, 0.0, 1.0, out); }), "[clip] output has shape (2), expected (3)");
    EXPECT_EQ(error_of([&] { clip(i64(Shape{3}), 0.0, 1.0); }),
              "[clip] expects a floating-point tensor, got i64 (3) on " + here());
    EXPECT_EQ(error_of([&] { clip(Tensor(), 0.0, 1.0); }), "[clip] input is an undefined tensor");
}

TEST_P(ElementwiseValidation, AffineChecksInputAndOutput) {
    EXPECT_EQ(error_of([&] { affine(Tensor(), 2.0, 1.0); }), "[affine] input is an undefined tensor");
    EXPECT_EQ(error_of([&] { affine(i64(Shape{1, 2}), 2.0, 1.0); }),
              "[affine] expects a floating-point tensor, got i64 (1,2) on " + here());
    Tensor out = f32(Shape{2, 1}), far = elsewhere(Shape{1, 2});
    EXPECT_EQ(error_of([&] { affine_into(f32(Shape{1, 2}), 2.0, 1.0, out); }),
              "[affine] output has shape (2,1), expected (1,2)");
    EXPECT_EQ(error_of([&] { affine_into(f32(Shape{1, 2}), 2.0, 1.0, far); }), mixed("affine"));
}

TEST_P(ElementwiseValidation, EveryBinaryOpChecksOperands) {
    for (BinaryOp op : kBinaryOps) {
        const std::string t = tag(op_name(op));
        EXPECT_EQ(error_of([&] { binary(op, Tensor(), f32(Shape{2})); }), t + "left operand is an undefined tensor");
        EXPECT_EQ(error_of([&] { binary(op, f32(Shape{2}), Tensor()); }), t + "right operand is an undefined tensor");
        EXPECT_EQ(error_of([&] { binary(op, f32(Shape{2}), elsewhere(Shape{2})); }), mixed(op_name(op)));
        EXPECT_EQ(error_of([&] { binary(op, elsewhere(Shape{2}), f32(Shape{2})); }), mixed_reversed(op_name(op)));
        EXPECT_EQ(error_of([&] { binary(op, f32(Shape{2}), f64(Shape{2})); }), t + "dtypes differ: f32 and f64");
        EXPECT_EQ(error_of([&] { binary(op, i64(Shape{2}), i64(Shape{2})); }),
                  t + "expects a floating-point tensor, got i64 (2) on " + here());
        EXPECT_EQ(error_of([&] { binary(op, f32(Shape{2, 3}), f32(Shape{4, 3})); }),
                  t + "shapes (2,3) and (4,3) cannot be broadcast");
    }
    EXPECT_EQ(error_of([&] { anvil::maximum(f32(Shape{5}), f32(Shape{3, 4})); }),
              "[maximum] shapes (5) and (3,4) cannot be broadcast");
}

TEST_P(ElementwiseValidation, BinaryIntoChecksTheOutput) {
    const Tensor a = f32(Shape{4, 2, 3}), b = f32(Shape{3});
    Tensor small = f32(Shape{2, 3}), wide = f64(Shape{4, 2, 3}), far = elsewhere(Shape{4, 2, 3}), undefined;
    EXPECT_EQ(error_of([&] { binary_into(BinaryOp::add, a, b, small); }),
              "[add] output has shape (2,3), expected (4,2,3)");
    EXPECT_EQ(error_of([&] { binary_into(BinaryOp::mul, a, b, wide); }), "[mul] dtypes differ: f32 and f64");
    EXPECT_EQ(error_of([&] { binary_into(BinaryOp::sub, a, b, far); }), mixed("sub"));
    EXPECT_EQ(error_of([&] { binary_into(BinaryOp::div, a, b, undefined); }), "[div] output is an undefined tensor");
}

TEST_P(ElementwiseValidation, BinaryIntoRefusesAnOutputAliasingABroadcastOperand) {
    // out (1,6) is a view of a (6): same storage, read with a different layout.
    const Tensor a = f32(Shape{6}), b = f32(Shape{1, 6});
    Tensor out = a.reshape(Dims{1, 6});
    EXPECT_EQ(error_of([&] { binary_into(BinaryOp::add, a, b, out); }),
              "[add] output aliases a broadcast operand");
}

// Capabilities: a device that declares f32 only refuses f64 work, naming what it is.
TEST(CapabilityValidation, UndeclaredDtypeIsRefusedNamingBackendDeviceOpAndDtype) {
    const auto narrow = std::make_shared<MockDevice>("narrow:0", std::vector<DType>{DType::f32});
    const Tensor x = Tensor::empty(Shape{2, 2}, DType::f64, narrow);
    const std::string suffix = " for f64";
    const std::string who = "backend 'mock' (device narrow:0) does not support ";
    Tensor out = x;
    EXPECT_EQ(error_of([&] { fill_(out, 0.0); }), "[fill] " + who + "fill" + suffix);
    EXPECT_EQ(error_of([&] { anvil::sin(x); }), "[sin] " + who + "sin" + suffix);
    EXPECT_EQ(error_of([&] { clip(x, 0.0, 1.0); }), "[clip] " + who + "clip" + suffix);
    EXPECT_EQ(error_of([&] { affine(x, 1.0, 0.0); }), "[affine] " + who + "affine" + suffix);
    EXPECT_EQ(error_of([&] { add(x, x); }), "[add] " + who + "add" + suffix);
    EXPECT_EQ(error_of([&] { sum(x); }), "[sum] " + who + "sum" + suffix);
    EXPECT_EQ(error_of([&] { argmax(x, 0); }), "[argmax] " + who + "argmax" + suffix);
    EXPECT_EQ(error_of([&] { transpose(x); }), "[transpose] " + who + "transpose" + suffix);
    Tensor c = Tensor::empty(Shape{2, 2}, DType::f64, narrow);
    EXPECT_EQ(error_of([&] { gemm(false, false, 1.0, x, x, 0.0, c); }), "[gemm] " + who + "gemm" + suffix);
    EXPECT_THAT(error_of([&] { matmul(x, x); }), HasSubstr(who + "gemm" + suffix));
    Tensor copy_target = Tensor::empty(Shape{2, 2}, DType::f64, narrow);
    EXPECT_EQ(error_of([&] { copy_into(x, copy_target); }), "[copy] " + who + "copy" + suffix);
    // Composites are refused up front too, although their defaults are built from primitives.
    Tensor y = Tensor::empty(Shape{2, 2}, DType::f64, narrow), loss = Tensor::empty(Shape{}, DType::f64, narrow);
    EXPECT_EQ(error_of([&] { linear_act_forward(Activation::sine, 30.0, x, x, nullptr, y, nullptr); }),
              "[linear_act_forward] " + who + "linear_act_forward" + suffix);
    EXPECT_EQ(error_of([&] { linear_act_backward(x, x, x, nullptr, nullptr, y, nullptr); }),
              "[linear_act_backward] " + who + "linear_act_backward" + suffix);
    EXPECT_EQ(error_of([&] { mse_loss_grad(x, x, loss, nullptr); }), "[mse_loss_grad] " + who + "mse_loss_grad" + suffix);
    const AdamSlot adam[] = {{&y, &x, &c, &copy_target}};
    EXPECT_EQ(error_of([&] { adam_update(adam, AdamParams{}); }), "[adam_update] " + who + "adam_update" + suffix);
    const SgdSlot sgd[] = {{&y, &x, nullptr}};
    EXPECT_EQ(error_of([&] { sgd_update(sgd, SgdParams{}); }), "[sgd_update] " + who + "sgd_update" + suffix);
    // f32 passes the capability check and reaches the mock's kernel, which is what refuses.
    const Tensor f = Tensor::empty(Shape{2}, DType::f32, narrow);
    EXPECT_THAT(error_of([&] { anvil::sin(f); }), StartsWith("[mock] kernel unary reached"));
    EXPECT_EQ(narrow->kernel_calls(), 1);
}

}  // namespace
}  // namespace anvil
