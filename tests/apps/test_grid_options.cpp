// anvil-siren's coordinate grid (pixel centres, aspect ratio), target encoding and PSNR, and
// its command-line parsing (values, defaults, which flags were given), without the binary.
#include <gtest/gtest.h>

#include <cmath>

#include "budget.h"
#include "grid.h"
#include "options.h"
#include "progress.h"

namespace anvil::siren {
namespace {

TEST(SirenGrid, PixelCentresSpanTheLongerSideAndKeepAspect) {
    const Extent e = extent_for(4, 2);
    EXPECT_DOUBLE_EQ(e.x, 1.0);
    EXPECT_DOUBLE_EQ(e.y, 0.5);
    const auto c = grid(4, 2, e);  // (8, 2)
    ASSERT_EQ(c.size(), 16u);
    // First row: x at -0.75, -0.25, 0.25, 0.75; y at -0.25 (pixel centres of [-1,1] x [-.5,.5]).
    EXPECT_FLOAT_EQ(c[0], -0.75f);
    EXPECT_FLOAT_EQ(c[1], -0.25f);
    EXPECT_FLOAT_EQ(c[6], 0.75f);
    EXPECT_FLOAT_EQ(c[15], 0.25f);
    // Every coordinate inside [-1, 1], and the same pixel spacing on both axes.
    for (float v : grid(7, 13, extent_for(7, 13))) {
        EXPECT_GT(v, -1.0f);
        EXPECT_LT(v, 1.0f);
    }
    const auto t = grid(3, 5, extent_for(3, 5));
    EXPECT_NEAR(t[2] - t[0], t[3 * 2 + 1] - t[1], 1e-6);
}

TEST(SirenGrid, RowsOfALargerGridCoverTheSameRectangle) {
    const Extent e = extent_for(10, 5);
    const auto part = grid_rows(20, 10, e, 3, 5);  // rows 3 and 4 of a 2x finer render
    ASSERT_EQ(part.size(), 2u * 20 * 2);
    EXPECT_FLOAT_EQ(part[1], static_cast<float>((3.5 / 10 * 2 - 1) * 0.5));
    EXPECT_FLOAT_EQ(part[0], static_cast<float>(0.5 / 20 * 2 - 1));
    EXPECT_THROW(grid_rows(20, 10, e, 5, 11), Error);
}

TEST(SirenGrid, TargetsRoundTripAndPsnr) {
    Image img(3, 1, 1);
    img.pixels = {0.0f, 0.5f, 1.0f};
    const auto t = encode_targets(img, TargetRange::signed_unit);
    EXPECT_EQ(t, (std::vector<float>{-1.0f, 0.0f, 1.0f}));
    EXPECT_EQ(encode_targets(img, TargetRange::unit), img.pixels);
    Image back(3, 1, 1);
    decode_into({-1.5f, 0.0f, 1.0f}, TargetRange::signed_unit, back, 0);
    EXPECT_EQ(back.pixels, (std::vector<float>{0.0f, 0.5f, 1.0f}));
    decode_into({std::nanf(""), 0.25f, 3.0f}, TargetRange::unit, back, 0);
    EXPECT_EQ(back.pixels, (std::vector<float>{0.0f, 0.25f, 1.0f}));
    EXPECT_NEAR(psnr_from_mse(0.01), 20.0, 1e-12);
    EXPECT_EQ(psnr_from_mse(0.0), 120.0);
    Image a(2, 1, 1), b(2, 1, 1);
    a.pixels = {0.0f, 1.0f};
    b.pixels = {0.1f, 0.9f};
    EXPECT_NEAR(image_mse(a, b), 0.01, 1e-7);
}

std::optional<Options> parse(std::vector<std::string> args) {
    args.insert(args.begin(), "anvil-siren");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    return parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(SirenOptions, DefaultsAndValues) {
    const auto o = parse({"--image", "a.png", "--out", "o"});
    ASSERT_TRUE(o);
    EXPECT_EQ(o->backend, "auto");
    EXPECT_EQ(o->hidden, 256);
    EXPECT_EQ(o->layers, 3);
    EXPECT_EQ(o->omega0, 30.0);
    EXPECT_EQ(o->first_layer_omega0(), 30.0);
    EXPECT_EQ(o->learning_rate(), 2e-3);
    EXPECT_EQ(o->schedule, "cosine");
    EXPECT_EQ(o->steps, 700);
    EXPECT_EQ(o->batch, 0);  // the trainer picks kDefaultBatch for images larger than it
    EXPECT_EQ(o->snapshot_interval(), o->steps / 10);
    EXPECT_TRUE(o->given.count("--image"));
    EXPECT_FALSE(o->was_given("--hidden"));

    const auto p = parse({"--image", "a.png", "--out", "o", "--render", "10x20", "--render",
                          "3X4", "--optimizer", "sgd", "--omega0", "20", "--batch", "500",
                          "--train-size", "full", "--steps", "7", "--steps", "9"});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->renders, (std::vector<Size>{{10, 20}, {3, 4}}));
    EXPECT_EQ(p->learning_rate(), 1e-2);
    EXPECT_EQ(p->first_layer_omega0(), 20.0);
    EXPECT_EQ(p->batch, 500);
    EXPECT_TRUE(p->train_size_full);
    EXPECT_EQ(p->steps, 9);  // the last of a repeated option wins
    EXPECT_EQ(p->snapshot_interval(), 1);
    EXPECT_TRUE(p->was_given("--omega0"));

    EXPECT_FALSE(parse({"--help"}));
    const auto r = parse({"--render-only", "m.safetensors", "--out", "o"});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->render_only, "m.safetensors");
}

void expect_usage_error(const std::vector<std::string>& args, const std::string& part) {
    try {
        parse(args);
        ADD_FAILURE() << "no error for " << args.back();
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
}

TEST(SirenOptions, RejectsBadValues) {
    const std::vector<std::string> base{"--image", "a.png", "--out", "o"};
    auto with = [&](std::vector<std::string> extra) {
        auto a = base;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    expect_usage_error(with({"--steps", "1.5"}), "--steps: expected a positive integer, got '1.5'");
    expect_usage_error(with({"--steps", "+3"}), "got '+3'");
    expect_usage_error(with({"--steps", "99999999999999999999"}), "--steps");
    expect_usage_error(with({"--device", "-1"}), "--device: expected a device index");
    expect_usage_error(with({"--seed", "-1"}), "--seed: expected a non-negative integer");
    expect_usage_error(with({"--lr", "inf"}), "--lr: expected a positive finite number");
    expect_usage_error(with({"--lr", "1e-3x"}), "--lr: expected a positive number, got '1e-3x'");
    expect_usage_error(with({"--first-omega0", "0"}), "--first-omega0");
    expect_usage_error(with({"--schedule", "linear"}), "expected constant|cosine|step");
    expect_usage_error(with({"--optimizer", "rmsprop"}), "expected adam|sgd");
    expect_usage_error(with({"--loss", "l1"}), "expected mse|bce");
    expect_usage_error(with({"--train-size", "12x"}), "--train-size");
    expect_usage_error(with({"--render", "2000000x2"}), "both sides from 1 to 1048576");
    expect_usage_error(with({"--render-only", "a", "--resume", "b"}), "cannot be combined");
    expect_usage_error({"--image", "a.png"}, "--out is required");
    expect_usage_error({"--steps"}, "--steps");
    EXPECT_NO_THROW(parse({"--list-backends"}));
}

TEST(SirenOptions, ParseSize) {
    EXPECT_EQ(parse_size("--render", "1x1"), (Size{1, 1}));
    EXPECT_EQ(parse_size("--render", "1920x1080").to_string(), "1920x1080");
    EXPECT_THROW(parse_size("--render", "x"), UsageError);
    EXPECT_THROW(parse_size("--render", "10x10x10"), UsageError);
    EXPECT_THROW(parse_size("--render", " 10x10"), UsageError);
}

TEST(SirenBudgets, RenderAndTrainingMemory) {
    EXPECT_NO_THROW(check_render_budget({{4096, 4096}}, 3));
    try {
        check_render_budget({{64, 64}, {1 << 20, 1 << 20}}, 1);
        ADD_FAILURE() << "no error";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("--render 1048576x1048576 needs 8.00 TiB"),
                  std::string::npos) << e.what();
    }
    nn::MlpConfig c;
    c.out_features = 1;
    c.hidden = 256;
    c.hidden_layers = 3;
    const std::size_t one = training_device_bytes(c, 1);
    const std::size_t many = training_device_bytes(c, 1001);
    EXPECT_GT(many, one);
    EXPECT_EQ(training_pixels_that_fit(c, many), 1001);
    EXPECT_EQ(training_pixels_that_fit(c, 100), 0);
}

TEST(SirenProgressText, LineAndDurations) {
    EXPECT_EQ(Progress::format_duration(0), "0:00");
    EXPECT_EQ(Progress::format_duration(65.4), "1:05");
    EXPECT_EQ(Progress::format_duration(3 * 3600 + 61), "3:01:01");
    EXPECT_EQ(Progress::format_duration(NAN), "?");
    EXPECT_EQ(Progress::format_line(120, 300, 45.25, 0.0123, 24.5, 4.0),
              "step 120/300 | 45.2 steps/s | loss 0.0123 | PSNR 24.50 dB | ETA 0:04");
}

}  // namespace
}  // namespace anvil::siren
