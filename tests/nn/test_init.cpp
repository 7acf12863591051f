// Initialisers and the portable generator: golden xoshiro256** values, transforms, bounds of
// every init kind, and one seed giving bit-identical weights on the host, cpu and reference.
#include <cmath>
#include <cstring>
#include <limits>

#include "nn_test_util.h"

namespace anvil::nn::test {
namespace {

TEST(Rng, MatchesAnIndependentXoshiro256StarStar) {
    // From a separate Python implementation of splitmix64 seeding + xoshiro256**.
    Rng zero(0);
    EXPECT_EQ(zero.next_u64(), 0x99ec5f36cb75f2b4ULL);
    EXPECT_EQ(zero.next_u64(), 0xbf6e1f784956452aULL);
    EXPECT_EQ(zero.next_u64(), 0x1a5f849d4933e6e0ULL);
    EXPECT_EQ(zero.next_u64(), 0x6aa594f1262d2d2cULL);
    Rng seeded(42);
    EXPECT_EQ(seeded.next_u64(), 0x15780b2e0c2ec716ULL);
    EXPECT_EQ(seeded.next_u64(), 0x6104d9866d113a7eULL);
}

TEST(Rng, UniformStaysInItsRangeAndIsCentred) {
    Rng rng(1);
    double sum = 0;
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
        const double u = rng.uniform();
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        sum += u;
    }
    EXPECT_NEAR(sum / n, 0.5, 0.005);
    for (int i = 0; i < 1000; ++i) {
        const double v = rng.uniform(-3.0, 2.0);
        ASSERT_GE(v, -3.0);
        ASSERT_LT(v, 2.0);
    }
}

TEST(Rng, NormalHasItsMeanAndStddev) {
    Rng rng(2);
    const int n = 200000;
    double sum = 0, sum_sq = 0;
    for (int i = 0; i < n; ++i) {
        const double z = rng.normal(1.5, 2.0);
        sum += z;
        sum_sq += z * z;
    }
    const double mean = sum / n;
    EXPECT_NEAR(mean, 1.5, 0.02);
    EXPECT_NEAR(std::sqrt(sum_sq / n - mean * mean), 2.0, 0.02);
}

TEST(Rng, BelowCoversItsRangeUniformly) {
    Rng rng(3);
    std::vector<int> counts(7, 0);
    for (int i = 0; i < 70000; ++i) ++counts[rng.below(7)];
    for (int c : counts) EXPECT_NEAR(c, 10000, 400);
    EXPECT_NE(error_of([&] { rng.below(0); }).find("[rng]"), std::string::npos);
}

TEST(Rng, StateRoundTripsThroughAString) {
    Rng rng(9);
    rng.normal();  // leaves a cached spare normal, which the state must carry
    const Rng copy = Rng::from_string(rng.to_string());
    EXPECT_EQ(copy, rng);
    Rng a = rng, b = copy;
    for (int i = 0; i < 10; ++i) EXPECT_EQ(a.normal(), b.normal());
    EXPECT_NE(error_of([] { Rng::from_string("12:zz"); }).find("[rng] malformed"),
              std::string::npos);
    EXPECT_NE(error_of([] { Rng::from_string("0:0:0:0:0:0"); }).find("[rng] malformed"),
              std::string::npos);
}

TEST(PortableLog, AgreesWithLibmToAnUlpOrTwo) {
    Rng rng(4);
    for (int i = 0; i < 20000; ++i) {
        const double x = std::ldexp(rng.uniform(0.5, 1.0), static_cast<int>(rng.below(80)) - 40);
        const double expected = std::log(x);
        EXPECT_NEAR(portable_log(x), expected,
                    4 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(expected)))
            << "x = " << x;
    }
    EXPECT_EQ(portable_log(1.0), 0.0);
    EXPECT_TRUE(std::isinf(portable_log(0.0)) && portable_log(0.0) < 0);
    EXPECT_TRUE(std::isnan(portable_log(-1.0)));
}

double max_abs(const std::vector<double>& v) {
    double m = 0;
    for (double x : v) m = std::max(m, std::abs(x));
    return m;
}

TEST(Init, SirenBoundsFollowThePaper) {
    Rng rng(5);
    const LayerInit first = draw_layer(rng, {InitKind::siren, 0, 30, true}, 2, 256, true);
    EXPECT_LE(max_abs(first.weight), 1.0 / 2);
    EXPECT_GT(max_abs(first.weight), 0.45);  // fills the range
    EXPECT_LE(max_abs(first.bias), 1.0 / std::sqrt(2.0));
    const LayerInit hidden = draw_layer(rng, {InitKind::siren, 0, 30, false}, 256, 256, true);
    const double bound = std::sqrt(6.0 / 256) / 30;
    EXPECT_LE(max_abs(hidden.weight), bound);
    EXPECT_GT(max_abs(hidden.weight), 0.95 * bound);
    EXPECT_LE(max_abs(hidden.bias), 1.0 / 16);
    EXPECT_GT(max_abs(hidden.bias), 0.9 / 16);
    EXPECT_EQ(hidden.weight.size(), 256u * 256u);
}

TEST(Init, XavierHeUniformNormal) {
    Rng rng(6);
    const LayerInit xavier = draw_layer(rng, {InitKind::xavier_uniform}, 100, 50, true);
    const double xb = std::sqrt(6.0 / 150);
    EXPECT_LE(max_abs(xavier.weight), xb);
    EXPECT_GT(max_abs(xavier.weight), 0.95 * xb);
    EXPECT_EQ(max_abs(xavier.bias), 0.0);
    EXPECT_EQ(xavier.bias.size(), 50u);

    const LayerInit he = draw_layer(rng, {InitKind::he_normal}, 200, 200, false);
    double sq = 0;
    for (double w : he.weight) sq += w * w;
    EXPECT_NEAR(std::sqrt(sq / static_cast<double>(he.weight.size())), std::sqrt(2.0 / 200), 0.003);
    EXPECT_TRUE(he.bias.empty());

    const LayerInit uni = draw_layer(rng, {InitKind::uniform, 0.25}, 30, 30, true);
    EXPECT_LE(max_abs(uni.weight), 0.25);
    EXPECT_LE(max_abs(uni.bias), 0.25);
    EXPECT_GT(max_abs(uni.bias), 0.0);

    const LayerInit norm = draw_layer(rng, {InitKind::normal, 0.1}, 300, 300, false);
    sq = 0;
    for (double w : norm.weight) sq += w * w;
    EXPECT_NEAR(std::sqrt(sq / static_cast<double>(norm.weight.size())), 0.1, 0.002);
}

TEST(Init, RejectsBadArguments) {
    Rng rng(0);
    EXPECT_NE(error_of([&] { draw_layer(rng, {InitKind::siren}, 0, 3, true); }).find("[init]"),
              std::string::npos);
    EXPECT_NE(error_of([&] {
                  draw_layer(rng, {InitKind::uniform, -1.0}, 2, 3, true);
              }).find("[init] uniform needs a finite scale"),
              std::string::npos);
    EXPECT_NE(error_of([] { parse_init("glorot"); }).find("[init] unknown initialiser 'glorot'"),
              std::string::npos);
    EXPECT_EQ(parse_init("he_normal"), InitKind::he_normal);
}

MlpConfig small_siren() {
    MlpConfig c;
    c.hidden = 16;
    c.hidden_layers = 2;
    return c;
}

std::vector<std::vector<float>> weights_as_float(const Mlp& model) {
    std::vector<std::vector<float>> out;
    for (const auto& [name, t] : model.named_parameters()) out.push_back(t->to_vector<float>());
    return out;
}

TEST(Init, OneSeedGivesTheHostDrawOnTheDevice) {
    Mlp model(small_siren(), cpu());
    model.initialize(1234);
    // Replay the documented order: one Rng, layer by layer, W then b.
    Rng rng(1234);
    const auto& layers = model.layers();
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const LayerInit expected =
            draw_layer(rng, {InitKind::siren, 0, 30, i == 0}, layers[i].in_features(),
                       layers[i].out_features(), true);
        const std::vector<float> w = layers[i].weight().to_vector<float>();
        const std::vector<float> b = layers[i].bias().to_vector<float>();
        ASSERT_EQ(w.size(), expected.weight.size());
        for (std::size_t k = 0; k < w.size(); ++k)
            ASSERT_EQ(w[k], static_cast<float>(expected.weight[k])) << "layer " << i << " w " << k;
        for (std::size_t k = 0; k < b.size(); ++k)
            ASSERT_EQ(b[k], static_cast<float>(expected.bias[k])) << "layer " << i << " b " << k;
    }
    Mlp again(small_siren(), cpu());
    again.initialize(1234);
    EXPECT_EQ(weights_as_float(again), weights_as_float(model));
    again.initialize(1235);
    EXPECT_NE(weights_as_float(again), weights_as_float(model));
}

TEST(Init, OneSeedGivesBitIdenticalWeightsOnCpuAndReference) {
    ANVIL_REFERENCE_OR_SKIP(ref);
    Mlp on_cpu(small_siren(), cpu());
    Mlp on_ref(small_siren(), ref);
    on_cpu.initialize(77);
    on_ref.initialize(77);
    EXPECT_EQ(weights_as_float(on_cpu), weights_as_float(on_ref));
}

}  // namespace
}  // namespace anvil::nn::test
