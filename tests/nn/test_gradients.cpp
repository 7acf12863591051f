// Finite-difference checks in float64 on the cpu backend: every Linear activation with and
// without bias (gradients of inputs, weights and biases), both losses, and whole MLPs.
#include <cmath>
#include <functional>

#include "nn_test_util.h"

namespace anvil::nn::test {
namespace {

constexpr double kStep = 1e-6;  // central differences: error ~ h^2 f''', rounding ~ eps/h

// Compares an analytic gradient with central differences of f over the entries of `values`,
// which `apply` writes back to the device before each evaluation.
void expect_matches_fd(const std::string& what, std::vector<double> values,
                       const std::vector<double>& analytic,
                       const std::function<void(const std::vector<double>&)>& apply,
                       const std::function<double()>& f, double tol = 1e-6) {
    ASSERT_EQ(values.size(), analytic.size()) << what;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double saved = values[i];
        values[i] = saved + kStep;
        apply(values);
        const double up = f();
        values[i] = saved - kStep;
        apply(values);
        const double down = f();
        values[i] = saved;
        apply(values);
        const double numeric = (up - down) / (2 * kStep);
        EXPECT_NEAR(analytic[i], numeric, tol * std::max(1.0, std::abs(numeric)))
            << what << " entry " << i;
    }
}

struct LinearCase {
    Activation act;
    bool bias;
};

std::string case_name(const testing::TestParamInfo<LinearCase>& info) {
    return std::string(activation_name(info.param.act)) + (info.param.bias ? "_bias" : "_nobias");
}

class LinearGradient : public testing::TestWithParam<LinearCase> {};

TEST_P(LinearGradient, MatchesFiniteDifferences) {
    const auto dev = cpu();
    ANVIL_REQUIRE_F64(dev);
    const LinearCase c = GetParam();
    const std::int64_t n = 5, in = 3, out = 4;
    Linear layer(in, out, make_activation(activation_name(c.act), 30.0), c.bias, dev, DType::f64);
    Rng rng(7);
    layer.initialize(rng, InitSpec{InitKind::uniform, 0.8});
    std::vector<double> x_host = random_values(rng, n * in, -1, 1);
    const std::vector<double> r_host = random_values(rng, n * out, -1, 1);
    Tensor x = upload(x_host, Shape{n, in}, DType::f64, dev);
    const Tensor r = upload(r_host, Shape{n, out}, DType::f64, dev);
    Tensor y = Tensor::empty(Shape{n, out}, DType::f64, dev);

    // L = sum(y * r): dL/dy = r.
    auto loss = [&]() {
        layer.forward(x, y, nullptr);
        const std::vector<double> yv = download(y);
        double total = 0;
        for (std::size_t i = 0; i < yv.size(); ++i) total += yv[i] * r_host[i];
        return total;
    };
    Tensor dact = Tensor::empty(Shape{n, out}, DType::f64, dev);
    Tensor dx = Tensor::empty(Shape{n, in}, DType::f64, dev);
    layer.forward(x, y, &dact);
    layer.backward(x, r, &dact, &dx);
    const std::vector<double> dw = download(layer.weight_grad());
    const std::vector<double> dxv = download(dx);

    expect_matches_fd(
        "dx", x_host, dxv,
        [&](const std::vector<double>& v) {
            x = upload(v, Shape{n, in}, DType::f64, dev);
        },
        loss);
    expect_matches_fd(
        "dW", download(layer.weight()), dw,
        [&](const std::vector<double>& v) {
            copy_into(upload(v, Shape{out, in}, DType::f64, dev), layer.weight());
        },
        loss);
    if (c.bias) {
        expect_matches_fd(
            "db", download(layer.bias()), download(layer.bias_grad()),
            [&](const std::vector<double>& v) {
                copy_into(upload(v, Shape{out}, DType::f64, dev), layer.bias());
            },
            loss);
    } else {
        EXPECT_FALSE(layer.bias().defined());
    }
}

INSTANTIATE_TEST_SUITE_P(
    AllActivations, LinearGradient,
    testing::Values(LinearCase{Activation::identity, true}, LinearCase{Activation::identity, false},
                    LinearCase{Activation::sine, true}, LinearCase{Activation::sine, false},
                    LinearCase{Activation::relu, true}, LinearCase{Activation::relu, false},
                    LinearCase{Activation::tanh, true}, LinearCase{Activation::tanh, false},
                    LinearCase{Activation::sigmoid, true}, LinearCase{Activation::sigmoid, false}),
    case_name);

// Loss gradient with respect to the predictions.
void check_loss_gradient(LossKind kind, const std::vector<double>& pred_host,
                         const std::vector<double>& target_host) {
    const auto dev = cpu();
    const Shape shape{4, 3};
    Tensor pred = upload(pred_host, shape, DType::f64, dev);
    const Tensor target = upload(target_host, shape, DType::f64, dev);
    Loss loss(kind);
    Tensor value = Loss::make_scalar(pred);
    Tensor grad = Tensor::empty(shape, DType::f64, dev);
    loss.compute(pred, target, value, &grad);
    expect_matches_fd(
        loss_name(kind), pred_host, download(grad),
        [&](const std::vector<double>& v) { pred = upload(v, shape, DType::f64, dev); },
        [&]() {
            loss.compute(pred, target, value, nullptr);
            return loss_value(value);
        });
}

TEST(LossGradient, MseMatchesFiniteDifferences) {
    ANVIL_REQUIRE_F64(cpu());
    Rng rng(11);
    check_loss_gradient(LossKind::mse, random_values(rng, 12, -2, 2),
                        random_values(rng, 12, -1, 1));
}

TEST(LossGradient, BceMatchesFiniteDifferencesInsideTheClip) {
    ANVIL_REQUIRE_F64(cpu());
    Rng rng(12);
    std::vector<double> target = random_values(rng, 12, 0, 1);
    target[0] = 0.0;  // hard labels too
    target[1] = 1.0;
    check_loss_gradient(LossKind::bce, random_values(rng, 12, 0.05, 0.95), target);
}

// Whole MLPs: every parameter's gradient through all layers, with MSE (and BCE for the
// sigmoid head).
struct MlpCase {
    Activation act;
    bool sigmoid_head;
};

class MlpGradient : public testing::TestWithParam<MlpCase> {};

TEST_P(MlpGradient, MatchesFiniteDifferences) {
    const auto dev = cpu();
    ANVIL_REQUIRE_F64(dev);
    MlpConfig config;
    config.in_features = 2;
    config.out_features = 2;
    config.hidden = 5;
    config.hidden_layers = 3;
    config.activation = GetParam().act;
    config.omega0 = 3.0;
    config.first_omega0 = 10.0;
    config.sigmoid_head = GetParam().sigmoid_head;
    Mlp model(config, dev, DType::f64);
    model.initialize(3, InitKind::uniform, 0.7);
    Rng rng(5);
    const std::int64_t n = 6;
    const Tensor x = upload(random_values(rng, n * 2, -1, 1), Shape{n, 2}, DType::f64, dev);
    const Tensor target = upload(random_values(rng, n * 2, 0, 1), Shape{n, 2}, DType::f64, dev);
    Loss loss(config.sigmoid_head ? LossKind::bce : LossKind::mse);
    Tensor value = Loss::make_scalar(x);
    Tensor dy = Tensor::empty(Shape{n, 2}, DType::f64, dev);
    MlpContext ctx;
    loss.compute(model.forward(x, ctx), target, value, &dy);
    model.backward(ctx, dy);

    MlpContext eval_ctx;
    auto f = [&]() {
        loss.compute(model.forward(x, eval_ctx, false), target, value, nullptr);
        return loss_value(value);
    };
    for (const Parameter& p : model.parameters()) {
        const Shape shape = p.value->shape();
        expect_matches_fd(
            p.name, download(*p.value), download(*p.grad),
            [&](const std::vector<double>& v) {
                copy_into(upload(v, shape, DType::f64, dev), *p.value);
            },
            f);
    }
}

INSTANTIATE_TEST_SUITE_P(AllActivations, MlpGradient,
                         testing::Values(MlpCase{Activation::sine, false},
                                         MlpCase{Activation::relu, false},
                                         MlpCase{Activation::tanh, false},
                                         MlpCase{Activation::sigmoid, false},
                                         MlpCase{Activation::sine, true}),
                         [](const testing::TestParamInfo<MlpCase>& param_info) {
                             return std::string(activation_name(param_info.param.act)) +
                                    (param_info.param.sigmoid_head ? "_sigmoid_head" : "");
                         });

}  // namespace
}  // namespace anvil::nn::test
