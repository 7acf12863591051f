// Optimizers against hand-computed steps (SGD with and without momentum, bias-corrected Adam)
// and learning-rate schedules against their formulas.
#include <cmath>
#include <numbers>

#include "nn_test_util.h"

namespace anvil::nn::test {
namespace {

// One parameter p (2 elements) with a gradient tensor the test sets before each step.
struct OneParam {
    Tensor value, grad;
    explicit OneParam(const std::vector<double>& init) {
        value = upload(init, Shape{2}, DType::f64, cpu());
        grad = Tensor::zeros(Shape{2}, DType::f64, cpu());
    }
    std::vector<Parameter> params() { return {{"p", &value, &grad}}; }
    void set_grad(const std::vector<double>& g) {
        copy_into(upload(g, Shape{2}, DType::f64, cpu()), grad);
    }
};

TEST(Sgd, MomentumStepsByHand) {
    ANVIL_REQUIRE_F64(cpu());
    OneParam p({1.0, -2.0});
    Sgd sgd(p.params(), 0.5);
    p.set_grad({0.2, -0.4});
    sgd.step(0.1);  // v = g; p -= 0.1 v
    p.set_grad({0.1, 0.3});
    sgd.step(0.1);  // v = 0.5 v + g = (0.2, 0.1); p -= 0.1 v
    const std::vector<double> got = download(p.value);
    EXPECT_NEAR(got[0], 1.0 - 0.02 - 0.02, 1e-12);
    EXPECT_NEAR(got[1], -2.0 + 0.04 - 0.01, 1e-12);
    EXPECT_EQ(sgd.steps(), 2);
    ASSERT_EQ(sgd.state().size(), 1u);
    EXPECT_EQ(sgd.state()[0].name, "p.velocity");
    const std::vector<double> v = download(*sgd.state()[0].value);
    EXPECT_NEAR(v[0], 0.2, 1e-12);
    EXPECT_NEAR(v[1], 0.1, 1e-12);
}

TEST(Sgd, WithoutMomentumKeepsNoState) {
    ANVIL_REQUIRE_F64(cpu());
    OneParam p({1.0, 1.0});
    Sgd sgd(p.params(), 0.0);
    EXPECT_TRUE(sgd.state().empty());
    p.set_grad({1.0, -1.0});
    sgd.step(0.25);
    EXPECT_EQ(download(p.value), (std::vector<double>{0.75, 1.25}));
}

TEST(Adam, BiasCorrectedStepsByHand) {
    ANVIL_REQUIRE_F64(cpu());
    OneParam p({0.5, -0.5});
    Adam adam(p.params(), 0.9, 0.999, 1e-8);
    std::vector<double> m(2, 0), v(2, 0), expected = {0.5, -0.5};
    const std::vector<std::vector<double>> grads = {{0.1, -0.3}, {0.2, 0.05}, {-0.4, 0.1}};
    for (std::size_t t = 0; t < grads.size(); ++t) {
        p.set_grad(grads[t]);
        adam.step(0.01);
        const double step = static_cast<double>(t + 1);
        for (int i = 0; i < 2; ++i) {
            m[i] = 0.9 * m[i] + 0.1 * grads[t][i];
            v[i] = 0.999 * v[i] + 0.001 * grads[t][i] * grads[t][i];
            const double m_hat = m[i] / (1 - std::pow(0.9, step));
            const double v_hat = v[i] / (1 - std::pow(0.999, step));
            expected[i] -= 0.01 * m_hat / (std::sqrt(v_hat) + 1e-8);
        }
    }
    const std::vector<double> got = download(p.value);
    EXPECT_NEAR(got[0], expected[0], 1e-12);
    EXPECT_NEAR(got[1], expected[1], 1e-12);
    EXPECT_EQ(adam.steps(), 3);
    ASSERT_EQ(adam.state().size(), 2u);
    EXPECT_EQ(adam.state()[0].name, "p.m");
    EXPECT_EQ(adam.state()[1].name, "p.v");
    EXPECT_NEAR(download(*adam.state()[0].value)[0], m[0], 1e-15);
    EXPECT_NEAR(download(*adam.state()[1].value)[1], v[1], 1e-15);
}

TEST(Adam, ResumedStepCountDrivesTheBiasCorrection) {
    ANVIL_REQUIRE_F64(cpu());
    OneParam p({0.0, 0.0});
    Adam adam(p.params());
    adam.set_steps(1000);  // bias correction ~1 at t = 1001: the step is lr * m / sqrt(v)
    p.set_grad({1.0, -1.0});
    adam.step(0.1);
    const double c1 = 1 - std::pow(0.9, 1001.0), c2 = 1 - std::pow(0.999, 1001.0);
    const double expected = 0.1 * (0.1 / c1) / (std::sqrt(0.001 / c2) + 1e-8);
    EXPECT_NEAR(download(p.value)[0], -expected, 1e-12);
    EXPECT_NE(error_of([&] { adam.set_steps(-1); }).find("[optimizer]"), std::string::npos);
}

TEST(Optimizer, FactoryAndErrors) {
    OneParam p({0.0, 0.0});
    const auto sgd = make_optimizer(OptimizerKind::sgd, p.params(), {.momentum = 0.8});
    EXPECT_EQ(sgd->kind(), OptimizerKind::sgd);
    EXPECT_EQ(sgd->hyperparameters().at("momentum"), exact_double(0.8));
    const auto adam = make_optimizer(parse_optimizer("Adam"), p.params());
    EXPECT_EQ(adam->hyperparameters().at("beta2"), "0.999");
    EXPECT_EQ(std::stod(exact_double(0.1)), 0.1);
    EXPECT_NE(error_of([] {
                  parse_optimizer("rmsprop");
              }).find("[optimizer] unknown optimizer 'rmsprop'"),
              std::string::npos);
    EXPECT_NE(error_of([&] { Sgd bad(p.params(), 1.0); }).find("momentum must lie in [0, 1)"),
              std::string::npos);
    EXPECT_NE(error_of([&] { Adam bad(p.params(), 0.9, 1.5); }).find("beta2 must lie in [0, 1)"),
              std::string::npos);
    EXPECT_NE(error_of([] { Adam bad({}); }).find("[optimizer] no parameters"), std::string::npos);
    Tensor wrong = Tensor::zeros(Shape{3}, DType::f64, cpu());
    EXPECT_NE(error_of([&] {
                  Adam bad({{"p", &p.value, &wrong}});
              }).find("gradient of 'p'"),
              std::string::npos);
}

TEST(Schedule, ConstantCosineStep) {
    const LrSchedule constant = LrSchedule::constant(0.01);
    EXPECT_EQ(constant.lr_at(0), 0.01);
    EXPECT_EQ(constant.lr_at(123456), 0.01);

    const LrSchedule cosine = LrSchedule::cosine(1e-3, 100, 1e-5);
    EXPECT_DOUBLE_EQ(cosine.lr_at(0), 1e-3);
    EXPECT_DOUBLE_EQ(cosine.lr_at(50), 1e-5 + (1e-3 - 1e-5) * 0.5);
    EXPECT_DOUBLE_EQ(cosine.lr_at(25),
                     1e-5 + (1e-3 - 1e-5) * 0.5 * (1 + std::cos(std::numbers::pi / 4)));
    EXPECT_DOUBLE_EQ(cosine.lr_at(100), 1e-5);
    EXPECT_DOUBLE_EQ(cosine.lr_at(1000), 1e-5);  // the floor holds after the end
    for (std::int64_t t = 1; t <= 100; ++t) EXPECT_LE(cosine.lr_at(t), cosine.lr_at(t - 1));

    const LrSchedule step = LrSchedule::step(0.1, 10, 0.5);
    EXPECT_DOUBLE_EQ(step.lr_at(0), 0.1);
    EXPECT_DOUBLE_EQ(step.lr_at(9), 0.1);
    EXPECT_DOUBLE_EQ(step.lr_at(10), 0.05);
    EXPECT_DOUBLE_EQ(step.lr_at(35), 0.0125);
    EXPECT_EQ(step.describe(), "step(lr=0.1, every=10, gamma=0.5)");
    EXPECT_EQ(parse_schedule("Cosine"), ScheduleKind::cosine);
}

TEST(Schedule, RejectsBadArguments) {
    EXPECT_NE(error_of([] { LrSchedule::constant(0.0); }).find("[schedule] learning rate"),
              std::string::npos);
    EXPECT_NE(error_of([] { LrSchedule::cosine(1e-3, 0); }).find("total steps > 0"),
              std::string::npos);
    EXPECT_NE(error_of([] { LrSchedule::cosine(1e-3, 10, 1e-2); }).find("min_lr must lie"),
              std::string::npos);
    EXPECT_NE(error_of([] { LrSchedule::step(0.1, 0, 0.5); }).find("every > 0"), std::string::npos);
    EXPECT_NE(error_of([] { LrSchedule::constant(0.1).lr_at(-1); }).find("step must be >= 0"),
              std::string::npos);
    EXPECT_NE(
        error_of([] { parse_schedule("linear"); }).find("[schedule] unknown schedule 'linear'"),
        std::string::npos);
}

}  // namespace
}  // namespace anvil::nn::test
