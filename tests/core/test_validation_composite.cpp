// Every validation error of the composite ops (linear_act_forward/backward, mse_loss_grad,
// adam_update, sgd_update): each names the op, the operand's role with its expected layout
// ("bias b (out) has shape (4), expected (5)") and the devices when they are mixed.
#include "validation_fixture.h"

namespace anvil {
namespace {

class CompositeValidation : public OpsValidation {};
ANVIL_VALIDATE_ON_DEVICES(CompositeValidation);

const std::string kFwd = "[linear_act_forward] ";
const std::string kBwd = "[linear_act_backward] ";
const std::string kMse = "[mse_loss_grad] ";
const std::string kAdam = "[adam_update] ";
const std::string kSgd = "[sgd_update] ";

// x: (4, 3), w: (5, 3), so y and dy are (4, 5), b and db (5).
TEST_P(CompositeValidation, LinearForwardChecksInputAndWeight) {
    const Tensor x = f32(Shape{4, 3}), w = f32(Shape{5, 3});
    Tensor y = f32(Shape{4, 5});
    auto fwd = [&](const Tensor& xx, const Tensor& ww) {
        return error_of([&] { linear_act_forward(Activation::sine, 30.0, xx, ww, nullptr, y, nullptr); });
    };
    EXPECT_EQ(fwd(Tensor(), w), kFwd + "input x is an undefined tensor");
    EXPECT_EQ(fwd(x, Tensor()), kFwd + "weight w is an undefined tensor");
    EXPECT_EQ(fwd(i64(Shape{4, 3}), w), kFwd + "expects a floating-point tensor, got i64 (4,3) on " + here());
    EXPECT_EQ(fwd(f32(Shape{3}), w), kFwd + "input x (N, in) must have rank 2, got (3)");
    EXPECT_EQ(fwd(x, f32(Shape{1, 5, 3})), kFwd + "weight w (out, in) must have rank 2, got (1,5,3)");
    EXPECT_EQ(fwd(x, elsewhere(Shape{5, 3})), mixed("linear_act_forward"));
    EXPECT_EQ(fwd(x, f64(Shape{5, 3})), kFwd + "dtypes differ: f32 and f64");
    EXPECT_EQ(fwd(x, f32(Shape{5, 2})), kFwd + "inner dimensions differ: x (4,3) x w^T (5,2)^T");
}

TEST_P(CompositeValidation, LinearForwardChecksBiasOutputsAndAliasing) {
    const Tensor x = f32(Shape{4, 3}), w = f32(Shape{5, 3});
    Tensor y = f32(Shape{4, 5}), dact = f32(Shape{4, 5});
    const Tensor short_bias = f32(Shape{4}), far_bias = elsewhere(Shape{5});
    EXPECT_EQ(error_of([&] { linear_act_forward(Activation::relu, 1.0, x, w, &short_bias, y, nullptr); }),
              kFwd + "bias b (out) has shape (4), expected (5)");
    EXPECT_EQ(error_of([&] { linear_act_forward(Activation::relu, 1.0, x, w, &far_bias, y, nullptr); }),
              mixed("linear_act_forward"));
    Tensor y_wrong = f32(Shape{4, 4}), dact_wrong = f32(Shape{5, 4});
    EXPECT_EQ(error_of([&] { linear_act_forward(Activation::tanh, 1.0, x, w, nullptr, y_wrong, nullptr); }),
              kFwd + "output y (N, out) has shape (4,4), expected (4,5)");
    EXPECT_EQ(error_of([&] { linear_act_forward(Activation::tanh, 1.0, x, w, nullptr, y, &dact_wrong); }),
              kFwd + "derivative dact (N, out) has shape (5,4), expected (4,5)");
    // y == dact, and y over x (square layer so the shapes agree).
    EXPECT_EQ(error_of([&] { linear_act_forward(Activation::sigmoid, 1.0, x, w, nullptr, y, &y); }),
              kFwd + "outputs alias inputs or each other");
    Tensor xs = f32(Shape{4, 3});
    EXPECT_EQ(error_of([&] { linear_act_forward(Activation::identity, 1.0, xs, f32(Shape{3, 3}), nullptr, xs, nullptr); }),
              kFwd + "outputs alias inputs or each other");
    // No rows: nothing to compute, and no kernel runs.
    Tensor none = f32(Shape{0, 5});
    linear_act_forward(Activation::sine, 30.0, f32(Shape{0, 3}), w, nullptr, none, nullptr);
}

TEST_P(CompositeValidation, LinearBackwardChecksEveryGradientShape) {
    const Tensor x = f32(Shape{4, 3}), w = f32(Shape{5, 3}), dy = f32(Shape{4, 5});
    Tensor dw = f32(Shape{5, 3}), db = f32(Shape{5}), dx = f32(Shape{4, 3});
    const Tensor dy_wrong = f32(Shape{4, 4}), dact_wrong = f32(Shape{4, 3}), dy_far = elsewhere(Shape{4, 5});
    Tensor dx_wrong = f32(Shape{4, 4}), dw_wrong = f32(Shape{3, 5}), db_wrong = f32(Shape{3});
    EXPECT_EQ(error_of([&] { linear_act_backward(Tensor(), w, dy, nullptr, &dx, dw, &db); }),
              kBwd + "input x is an undefined tensor");
    EXPECT_EQ(error_of([&] { linear_act_backward(x, f32(Shape{5, 2}), dy, nullptr, &dx, dw, &db); }),
              kBwd + "inner dimensions differ: x (4,3) x w^T (5,2)^T");
    EXPECT_EQ(error_of([&] { linear_act_backward(x, w, dy_wrong, nullptr, &dx, dw, &db); }),
              kBwd + "gradient dy (N, out) has shape (4,4), expected (4,5)");
    EXPECT_EQ(error_of([&] { linear_act_backward(x, w, dy_far, nullptr, &dx, dw, &db); }),
              mixed("linear_act_backward"));
    EXPECT_EQ(error_of([&] { linear_act_backward(x, w, dy, &dact_wrong, &dx, dw, &db); }),
              kBwd + "derivative dact (N, out) has shape (4,3), expected (4,5)");
    EXPECT_EQ(error_of([&] { linear_act_backward(x, w, dy, nullptr, &dx_wrong, dw, &db); }),
              kBwd + "gradient dx (N, in) has shape (4,4), expected (4,3)");
    EXPECT_EQ(error_of([&] { linear_act_backward(x, w, dy, nullptr, &dx, dw_wrong, &db); }),
              kBwd + "gradient dw (out, in) has shape (3,5), expected (5,3)");
    EXPECT_EQ(error_of([&] { linear_act_backward(x, w, dy, nullptr, &dx, dw, &db_wrong); }),
              kBwd + "gradient db (out) has shape (3), expected (5)");
}

TEST_P(CompositeValidation, MseChecksPredictionTargetLossAndGradient) {
    const Tensor pred = f32(Shape{2, 2}), target = f32(Shape{2, 2});
    Tensor loss = f32(Shape{}), grad = f32(Shape{2, 2}), undefined;
    EXPECT_EQ(error_of([&] { mse_loss_grad(Tensor(), target, loss, &grad); }), kMse + "prediction is an undefined tensor");
    EXPECT_EQ(error_of([&] { mse_loss_grad(i64(Shape{2, 2}), target, loss, &grad); }),
              kMse + "expects a floating-point tensor, got i64 (2,2) on " + here());
    EXPECT_EQ(error_of([&] { mse_loss_grad(pred, Tensor(), loss, &grad); }), kMse + "target is an undefined tensor");
    EXPECT_EQ(error_of([&] { mse_loss_grad(pred, f32(Shape{4}), loss, &grad); }),
              kMse + "target has shape (4), expected (2,2)");
    EXPECT_EQ(error_of([&] { mse_loss_grad(pred, elsewhere(Shape{2, 2}), loss, &grad); }), mixed("mse_loss_grad"));
    EXPECT_EQ(error_of([&] { mse_loss_grad(pred, f64(Shape{2, 2}), loss, &grad); }), kMse + "dtypes differ: f32 and f64");
    EXPECT_EQ(error_of([&] { mse_loss_grad(pred, target, undefined, &grad); }), kMse + "loss is an undefined tensor");
    Tensor loss2 = f32(Shape{2}), loss_wide = f64(Shape{}), loss_far = elsewhere(Shape{1});
    EXPECT_EQ(error_of([&] { mse_loss_grad(pred, target, loss2, &grad); }), kMse + "loss must hold one element, got (2)");
    EXPECT_EQ(error_of([&] { mse_loss_grad(pred, target, loss_wide, &grad); }), kMse + "dtypes differ: f32 and f64");
    EXPECT_EQ(error_of([&] { mse_loss_grad(pred, target, loss_far, &grad); }), mixed("mse_loss_grad"));
    Tensor grad_wrong = f32(Shape{3});
    EXPECT_EQ(error_of([&] { mse_loss_grad(pred, target, loss, &grad_wrong); }),
              kMse + "gradient has shape (3), expected (2,2)");
    EXPECT_EQ(error_of([&] { mse_loss_grad(f32(Shape{0}), f32(Shape{0}), loss, nullptr); }),
              kMse + "empty prediction f32 (0) on " + here());
}

TEST_P(CompositeValidation, AdamChecksHyperparametersAndEverySlot) {
    Tensor p = f32(Shape{2}), g = f32(Shape{2}), m = f32(Shape{2}), v = f32(Shape{2});
    Tensor wrong = f32(Shape{3}), far = elsewhere(Shape{2}), ints = i64(Shape{2}), undefined;
    const AdamParams ok;
    auto adam = [&](AdamSlot slot, AdamParams params = AdamParams{}) {
        const AdamSlot slots[] = {slot};
        return error_of([&] { adam_update(slots, params); });
    };
    AdamParams bad = ok;
    bad.step = 0;
    EXPECT_EQ(adam({&p, &g, &m, &v}, bad), kAdam + "step must be >= 1, got 0");
    for (double beta : {1.0, -0.1, std::nan("")}) {
        bad = ok;
        bad.beta1 = beta;
        EXPECT_EQ(adam({&p, &g, &m, &v}, bad), kAdam + "betas must lie in [0, 1)") << beta;
        bad = ok;
        bad.beta2 = beta;
        EXPECT_EQ(adam({&p, &g, &m, &v}, bad), kAdam + "betas must lie in [0, 1)") << beta;
    }
    EXPECT_EQ(adam({&undefined, &g, &m, &v}), kAdam + "parameter is an undefined tensor");
    EXPECT_EQ(adam({&ints, &g, &m, &v}), kAdam + "expects a floating-point tensor, got i64 (2) on " + here());
    EXPECT_EQ(adam({&p, &wrong, &m, &v}), kAdam + "gradient has shape (3), expected (2)");
    EXPECT_EQ(adam({&p, &g, &wrong, &v}), kAdam + "first moment m has shape (3), expected (2)");
    EXPECT_EQ(adam({&p, &g, &m, &wrong}), kAdam + "second moment v has shape (3), expected (2)");
    EXPECT_EQ(adam({&p, &g, &far, &v}), mixed("adam_update"));
    // A later slot on another device than the first.
    const AdamSlot two[] = {{&p, &g, &m, &v}, {&far, &g, &m, &v}};
    EXPECT_EQ(error_of([&] { adam_update(two, ok); }), mixed("adam_update"));
    // No slots: nothing to do, not an error.
    adam_update({}, ok);
}

TEST_P(CompositeValidation, SgdChecksMomentumVelocityAndGradients) {
    Tensor p = f32(Shape{2}), g = f32(Shape{2}), vel = f32(Shape{2}), wrong = f32(Shape{3}), far = elsewhere(Shape{2});
    SgdParams momentum;
    momentum.momentum = 0.9;
    auto sgd = [&](SgdSlot slot, SgdParams params) {
        const SgdSlot slots[] = {slot};
        return error_of([&] { sgd_update(slots, params); });
    };
    EXPECT_EQ(sgd({&p, &g, nullptr}, momentum),
              kSgd + "momentum 0.9 needs a velocity tensor for every parameter");
    EXPECT_EQ(sgd({&p, &g, &wrong}, momentum), kSgd + "velocity has shape (3), expected (2)");
    EXPECT_EQ(sgd({&p, &wrong, nullptr}, SgdParams{}), kSgd + "gradient has shape (3), expected (2)");
    EXPECT_EQ(sgd({&p, &far, nullptr}, SgdParams{}), mixed("sgd_update"));
    Tensor undefined;
    EXPECT_EQ(sgd({&undefined, &g, nullptr}, SgdParams{}), kSgd + "parameter is an undefined tensor");
    // All slots run in one backend call, so they share one dtype; no slot may omit a tensor.
    Tensor p64 = f64(Shape{2}), g64 = f64(Shape{2});
    const SgdSlot mixed_dtypes[] = {{&p, &g, nullptr}, {&p64, &g64, nullptr}};
    EXPECT_EQ(error_of([&] { sgd_update(mixed_dtypes, SgdParams{}); }),
              kSgd + "dtypes differ: f32 and f64");
    EXPECT_EQ(sgd({&p, nullptr, nullptr}, SgdParams{}), kSgd + "a slot has no parameter or gradient");
    const AdamSlot no_moments[] = {{&p, &g, nullptr, nullptr}};
    EXPECT_EQ(error_of([&] { adam_update(no_moments, AdamParams{}); }),
              "[adam_update] a slot has no moment tensors m and v");
}

}  // namespace
}  // namespace anvil
