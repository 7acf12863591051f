// The MLP: layer layout and names, forward against a float64 host computation, workspace
// reuse (no reallocation while the batch size holds), the config's parameter and workspace
// counts against a real model, errors, and a small fit that converges.
#include <cmath>
#include <numbers>

#include "nn_test_util.h"

namespace anvil::nn::test {
namespace {

MlpConfig tiny(Activation act) {
    MlpConfig c;
    c.in_features = 2;
    c.out_features = 3;
    c.hidden = 4;
    c.hidden_layers = 2;
    c.activation = act;
    c.omega0 = 20;
    c.first_omega0 = 30;
    return c;
}

TEST(Mlp, LayoutNamesAndCounts) {
    MlpConfig c = tiny(Activation::sine);
    c.sigmoid_head = true;
    Mlp model(c, cpu());
    ASSERT_EQ(model.layers().size(), 3u);
    EXPECT_EQ(model.layers()[0].activation(), Sine(30));
    EXPECT_EQ(model.layers()[1].activation(), Sine(20));
    EXPECT_EQ(model.layers()[2].activation(), Sigmoid());
    EXPECT_EQ(model.layers()[0].weight().shape(), (Shape{4, 2}));
    EXPECT_EQ(model.layers()[2].weight().shape(), (Shape{3, 4}));
    EXPECT_EQ(model.parameter_count(), (2 * 4 + 4) + (4 * 4 + 4) + (4 * 3 + 3));
    const auto params = model.parameters();
    ASSERT_EQ(params.size(), 6u);
    EXPECT_EQ(params[0].name, "layers.0.weight");
    EXPECT_EQ(params[5].name, "layers.2.bias");
    EXPECT_EQ(c.describe(), "2 -> 2x4 sine(omega0=20, first 30) -> 3 sigmoid");

    c.bias = false;
    c.activation = Activation::relu;
    Mlp no_bias(c, cpu());
    EXPECT_EQ(no_bias.parameters().size(), 3u);
    EXPECT_EQ(no_bias.layers()[1].activation(), ReLU());
    EXPECT_EQ(c.default_init(), InitKind::he_normal);
}

TEST(Mlp, RejectsBadConfigs) {
    MlpConfig c = tiny(Activation::sine);
    c.hidden = 0;
    EXPECT_NE(error_of([&] { Mlp m(c, cpu()); }).find("[mlp] hidden must be > 0, got 0"),
              std::string::npos);
    c = tiny(Activation::sine);
    c.omega0 = -1;
    EXPECT_NE(error_of([&] { Mlp m(c, cpu()); }).find("[mlp] omega0 must be a finite number > 0"),
              std::string::npos);
    c = tiny(Activation::tanh);
    c.omega0 = -1;  // only sine uses omega0
    EXPECT_EQ(error_of([&] { Mlp m(c, cpu()); }), "");
}

// y = act(x W^T + b) layer by layer on the host.
std::vector<double> host_forward(const Mlp& model, std::vector<double> x, std::int64_t n) {
    for (const Linear& layer : model.layers()) {
        const std::vector<double> w = download(layer.weight());
        const std::vector<double> b = download(layer.bias());
        const std::int64_t in = layer.in_features(), out = layer.out_features();
        std::vector<double> y(static_cast<std::size_t>(n * out));
        for (std::int64_t r = 0; r < n; ++r)
            for (std::int64_t o = 0; o < out; ++o) {
                double z = b[static_cast<std::size_t>(o)];
                for (std::int64_t i = 0; i < in; ++i)
                    z += x[static_cast<std::size_t>(r * in + i)] *
                         w[static_cast<std::size_t>(o * in + i)];
                const ActivationFn& a = layer.activation();
                double v = z;
                switch (a.kind) {
                    case Activation::identity:
                        break;
                    case Activation::sine:
                        v = std::sin(a.omega0 * z);
                        break;
                    case Activation::relu:
                        v = z > 0 ? z : 0;
                        break;
                    case Activation::tanh:
                        v = std::tanh(z);
                        break;
                    case Activation::sigmoid:
                        v = 1 / (1 + std::exp(-z));
                        break;
                }
                y[static_cast<std::size_t>(r * out + o)] = v;
            }
        x = std::move(y);
    }
    return x;
}

TEST(Mlp, ForwardMatchesTheHost) {
    ANVIL_REQUIRE_F64(cpu());
    for (Activation act : {Activation::sine, Activation::relu, Activation::tanh}) {
        Mlp model(tiny(act), cpu(), DType::f64);
        model.initialize(21);
        Rng rng(8);
        const std::vector<double> x = random_values(rng, 10, -1, 1);
        MlpContext ctx;
        const std::vector<double> got =
            download(model.forward(upload(x, Shape{5, 2}, DType::f64, cpu()), ctx));
        const std::vector<double> want = host_forward(model, x, 5);
        ASSERT_EQ(got.size(), want.size());
        for (std::size_t i = 0; i < got.size(); ++i)
            EXPECT_NEAR(got[i], want[i], 1e-12) << activation_name(act) << " " << i;
    }
}

TEST(Mlp, ReusesTheWorkspaceWhileTheBatchSizeHolds) {
    Mlp model(tiny(Activation::sine), cpu());
    model.initialize(1);
    MlpContext ctx;
    const Tensor x = Tensor::full(Shape{8, 2}, DType::f32, cpu(), 0.5);
    const Tensor dy = Tensor::full(Shape{8, 3}, DType::f32, cpu(), 0.1);
    model.forward(x, ctx);
    model.backward(ctx, dy);
    const void* out_storage = ctx.output().data();
    const std::size_t bytes = ctx.workspace_bytes();
    EXPECT_GT(bytes, 0u);
    for (int step = 0; step < 3; ++step) {
        model.forward(x, ctx);
        model.backward(ctx, dy);
        EXPECT_EQ(ctx.output().data(), out_storage);
        EXPECT_EQ(ctx.workspace_bytes(), bytes);
    }
    const Tensor bigger = Tensor::full(Shape{16, 2}, DType::f32, cpu(), 0.5);
    EXPECT_EQ(model.forward(bigger, ctx).shape(), (Shape{16, 3}));
    EXPECT_EQ(ctx.batch(), 16);
    EXPECT_GT(ctx.workspace_bytes(), 0u);
    // The old buffers are gone: backward with the old dy shape is refused.
    EXPECT_NE(error_of([&] { model.backward(ctx, dy); }).find("[mlp] gradient dy must be (16, 3)"),
              std::string::npos);
}

// Memory budgets use the config's counts before a model exists: they must be what a model
// and its context really hold, for every activation, head and bias choice.
TEST(Mlp, ConfigCountsMatchWhatTheModelHolds) {
    // tiny: L = 2, H = 4, out = 3. Outputs 2 * 4 + 3, derivatives 2 * 4 (none for the identity
    // head), backward buffers 2 * 4: 27 f32 per sample.
    EXPECT_EQ(tiny(Activation::sine).workspace_bytes_per_sample(true), 27u * 4);
    EXPECT_EQ(tiny(Activation::sine).workspace_bytes_per_sample(false), 11u * 4);
    EXPECT_EQ(tiny(Activation::sine).workspace_bytes_per_sample(true, DType::f64), 27u * 8);
    EXPECT_EQ(tiny(Activation::sine).parameter_count(), (2 * 4 + 4) + (4 * 4 + 4) + (4 * 3 + 3));
    const std::int64_t n = 5;
    for (Activation act : {Activation::sine, Activation::relu, Activation::identity})
        for (bool head : {false, true})
            for (bool bias : {false, true}) {
                MlpConfig c = tiny(act);
                c.hidden_layers = 3;
                c.sigmoid_head = head;
                c.bias = bias;
                SCOPED_TRACE(c.describe());
                Mlp model(c, cpu());
                EXPECT_EQ(c.parameter_count(), model.parameter_count());
                const Tensor x = Tensor::zeros(Shape{n, 2}, DType::f32, cpu());
                MlpContext infer, train;
                model.forward(x, infer, false);
                EXPECT_EQ(infer.workspace_bytes(), n * c.workspace_bytes_per_sample(false));
                model.forward(x, train, true);
                model.backward(train, Tensor::zeros(Shape{n, 3}, DType::f32, cpu()));
                EXPECT_EQ(train.workspace_bytes(), n * c.workspace_bytes_per_sample(true));
            }
}

TEST(Mlp, InferenceNeedsNoDerivativesAndRefusesBackward) {
    Mlp model(tiny(Activation::tanh), cpu());
    model.initialize(2);
    MlpContext train, infer;
    const Tensor x = Tensor::full(Shape{8, 2}, DType::f32, cpu(), 0.25);
    model.forward(x, train, true);
    model.forward(x, infer, false);
    EXPECT_LT(infer.workspace_bytes(), train.workspace_bytes());
    EXPECT_EQ(infer.output().to_vector<float>(), train.output().to_vector<float>());
    const Tensor dy = Tensor::zeros(Shape{8, 3}, DType::f32, cpu());
    EXPECT_NE(error_of([&] { model.backward(infer, dy); }).find("[mlp] backward needs a context"),
              std::string::npos);
    EXPECT_NE(error_of([&] {
                  model.forward(Tensor::zeros(Shape{8, 3}, DType::f32, cpu()), infer);
              }).find("[mlp] input x must be (N, 2), got (8,3)"),
              std::string::npos);
    EXPECT_NE(error_of([] { MlpContext().output(); }).find("run forward first"), std::string::npos);
}

// A SIREN learns sin(4 pi x) on 64 points; the loss falls by orders of magnitude.
TEST(Mlp, SmallSirenFitsASignal) {
    MlpConfig c;
    c.in_features = 1;
    c.out_features = 1;
    c.hidden = 32;
    c.hidden_layers = 2;
    Mlp model(c, cpu());
    model.initialize(3);
    const std::int64_t n = 64;
    std::vector<double> xs(n), ys(n);
    for (std::int64_t i = 0; i < n; ++i) {
        xs[static_cast<std::size_t>(i)] = -1 + 2.0 * static_cast<double>(i) / (n - 1);
        ys[static_cast<std::size_t>(i)] =
            std::sin(4 * std::numbers::pi * xs[static_cast<std::size_t>(i)]);
    }
    const Tensor x = upload(xs, Shape{n, 1}, DType::f32, cpu());
    const Tensor y = upload(ys, Shape{n, 1}, DType::f32, cpu());
    Adam adam(model.parameters());
    Loss mse(LossKind::mse);
    Tensor loss = Loss::make_scalar(x);
    Tensor grad = Tensor::empty(Shape{n, 1}, DType::f32, cpu());
    MlpContext ctx;
    double first = 0;
    for (int step = 0; step < 300; ++step) {
        mse.compute(model.forward(x, ctx), y, loss, &grad);
        if (step == 0) first = loss_value(loss);
        model.backward(ctx, grad);
        adam.step(1e-3);
    }
    mse.compute(model.forward(x, ctx, false), y, loss, nullptr);
    EXPECT_GT(first, 0.1);
    EXPECT_LT(loss_value(loss), 1e-3);
}

// The nn module runs on any backend through the ops API: a few Adam steps on cpu and on the
// reference plugin give the same parameters up to f32 rounding.
TEST(Mlp, TrainingStepsAgreeAcrossBackends) {
    ANVIL_REFERENCE_OR_SKIP(ref);
    std::vector<std::vector<double>> results;
    for (const auto& dev : {cpu(), ref}) {
        MlpConfig c = tiny(Activation::sine);
        c.hidden = 16;
        Mlp model(c, dev);
        model.initialize(4);
        Rng rng(6);
        const Tensor x = upload(random_values(rng, 20 * 2, -1, 1), Shape{20, 2}, DType::f32, dev);
        const Tensor y = upload(random_values(rng, 20 * 3, -1, 1), Shape{20, 3}, DType::f32, dev);
        Adam adam(model.parameters());
        Loss mse(LossKind::mse);
        Tensor loss = Loss::make_scalar(x);
        Tensor grad = Tensor::empty(Shape{20, 3}, DType::f32, dev);
        MlpContext ctx;
        for (int step = 0; step < 5; ++step) {
            mse.compute(model.forward(x, ctx), y, loss, &grad);
            model.backward(ctx, grad);
            adam.step(1e-3);
        }
        std::vector<double> all;
        for (const auto& [name, t] : model.named_parameters()) {
            const std::vector<double> v = download(*t);
            all.insert(all.end(), v.begin(), v.end());
        }
        results.push_back(all);
    }
    ASSERT_EQ(results[0].size(), results[1].size());
    for (std::size_t i = 0; i < results[0].size(); ++i)
        EXPECT_NEAR(results[0][i], results[1][i], 1e-4) << i;
}

}  // namespace
}  // namespace anvil::nn::test
