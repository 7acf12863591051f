// Loss values against hand computation, BCE's clipping in f32 (finite at p = 0 and 1, the
// epsilon representable next to 1.0f), its gradient outside the clip, and operand errors.
#include <cmath>

#include "nn_test_util.h"

namespace anvil::nn::test {
namespace {

double compute(LossKind kind, const std::vector<double>& p, const std::vector<double>& t,
               DType dtype, std::vector<double>* grad_out = nullptr) {
    const auto dev = cpu();
    const Shape shape{static_cast<std::int64_t>(p.size()), 1};
    const Tensor pred = upload(p, shape, dtype, dev);
    const Tensor target = upload(t, shape, dtype, dev);
    Loss loss(kind);
    Tensor value = Loss::make_scalar(pred);
    Tensor grad = Tensor::empty(shape, dtype, dev);
    loss.compute(pred, target, value, &grad);
    if (grad_out) *grad_out = download(grad);
    return loss_value(value);
}

TEST(Loss, MseByHand) {
    std::vector<double> grad;
    // diffs 1, -2, 0.5 -> mean of squares 5.25 / 3
    EXPECT_NEAR(compute(LossKind::mse, {1, 0, 2}, {0, 2, 1.5}, DType::f32, &grad), 5.25 / 3, 1e-6);
    ASSERT_EQ(grad.size(), 3u);
    EXPECT_NEAR(grad[0], 2.0 * 1 / 3, 1e-6);
    EXPECT_NEAR(grad[1], 2.0 * -2 / 3, 1e-6);
    EXPECT_NEAR(grad[2], 2.0 * 0.5 / 3, 1e-6);
}

TEST(Loss, BceByHand) {
    const std::vector<double> p = {0.9, 0.2, 0.6, 0.5};
    const std::vector<double> t = {1.0, 0.0, 0.3, 1.0};
    double expected = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
        expected -= t[i] * std::log(p[i]) + (1 - t[i]) * std::log(1 - p[i]);
    expected /= 4;
    std::vector<double> grad;
    EXPECT_NEAR(compute(LossKind::bce, p, t, DType::f32, &grad), expected, 1e-6);
    for (std::size_t i = 0; i < p.size(); ++i)
        EXPECT_NEAR(grad[i], (p[i] - t[i]) / (p[i] * (1 - p[i])) / 4, 1e-5) << i;
}

TEST(Loss, BceEpsilonIsRepresentableNextToOneInF32) {
    // The bound must survive the trip to f32, or log(1 - p) is log(0) again.
    EXPECT_NE(static_cast<float>(1.0 - kBceEpsilon), 1.0f);
    EXPECT_EQ(static_cast<double>(static_cast<float>(1.0 - kBceEpsilon)), 1.0 - kBceEpsilon);
    EXPECT_EQ(static_cast<double>(static_cast<float>(kBceEpsilon)), kBceEpsilon);
    // The classic too-small epsilon does round to 1.0f.
    EXPECT_EQ(static_cast<float>(1.0 - 1e-8), 1.0f);
}

TEST(Loss, BceStaysFiniteOnSaturatedF32Probabilities) {
    std::vector<double> grad;
    // Confidently wrong and confidently right, at the exact ends of [0, 1].
    const double value =
        compute(LossKind::bce, {0.0, 1.0, 1.0, 0.0}, {1.0, 0.0, 1.0, 0.0}, DType::f32, &grad);
    EXPECT_TRUE(std::isfinite(value));
    // Two terms cost -log(eps) each, two cost -log(1 - eps) ~ 0.
    EXPECT_NEAR(value, -2 * std::log(kBceEpsilon) / 4, 1e-3);
    for (double g : grad) EXPECT_TRUE(std::isfinite(g));
    // Outside the clip the gradient is the one at the bound, pointing the right way.
    EXPECT_LT(grad[0], 0.0);  // p = 0, t = 1: raise p
    EXPECT_GT(grad[1], 0.0);  // p = 1, t = 0: lower p
    std::vector<double> at_bound;
    compute(LossKind::bce, {kBceEpsilon}, {1.0}, DType::f64, &at_bound);
    std::vector<double> below;
    compute(LossKind::bce, {0.0}, {1.0}, DType::f64, &below);
    EXPECT_EQ(below[0], at_bound[0]);
}

TEST(Loss, ReusesItsWorkspaceAcrossShapes) {
    Loss loss(LossKind::bce);
    const auto dev = cpu();
    for (std::int64_t n : {4, 4, 7}) {
        const Tensor p = Tensor::full(Shape{n, 2}, DType::f32, dev, 0.25);
        const Tensor t = Tensor::full(Shape{n, 2}, DType::f32, dev, 1.0);
        Tensor value = Loss::make_scalar(p);
        loss.compute(p, t, value, nullptr);
        EXPECT_NEAR(loss_value(value), -std::log(0.25), 1e-6) << n;
    }
}

TEST(Loss, RejectsMismatchedOperands) {
    const auto dev = cpu();
    const Tensor p = Tensor::zeros(Shape{3, 2}, DType::f32, dev);
    const Tensor t = Tensor::zeros(Shape{2, 3}, DType::f32, dev);
    Tensor value = Loss::make_scalar(p);
    Loss bce(LossKind::bce), mse(LossKind::mse);
    EXPECT_NE(
        error_of([&] { bce.compute(p, t, value, nullptr); }).find("[bce_loss] target is f32 (2,3)"),
        std::string::npos);
    EXPECT_NE(error_of([&] { mse.compute(p, t, value, nullptr); }).find("[mse_loss] target"),
              std::string::npos);
    Tensor wide = Tensor::zeros(Shape{2}, DType::f32, dev);
    EXPECT_NE(error_of([&] { mse.compute(p, p, wide, nullptr); }).find("[mse_loss] loss is"),
              std::string::npos);
    const Tensor empty = Tensor::zeros(Shape{0, 2}, DType::f32, dev);
    EXPECT_NE(error_of([&] { bce.compute(empty, empty, value, nullptr); }).find("empty prediction"),
              std::string::npos);
    EXPECT_NE(error_of([] { parse_loss("hinge"); }).find("[loss] unknown loss 'hinge'"),
              std::string::npos);
    EXPECT_EQ(parse_loss("BCE"), LossKind::bce);
}

}  // namespace
}  // namespace anvil::nn::test
