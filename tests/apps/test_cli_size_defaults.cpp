// anvil-siren's defaults that depend on the training size (docs/siren.md, options): the first
// layer's frequency grows with the longer side beyond 256 pixels unless --first-omega0 is
// given, stays --omega0 at 256 and below, and a resumed run keeps the checkpoint's.
#include <gtest/gtest.h>

#include <string>

#include "anvil/nn/safetensors.h"
#include "siren_test_util.h"

namespace anvil::siren::test {
namespace {

double first_omega0(const std::string& out) {
    return std::stod(nn::read_safetensors(out + "/model.safetensors").metadata.at("arch.first_omega0"));
}

std::string run_one(const TempDir& dir, const std::string& image, const std::string& name,
                    const std::vector<std::string>& extra) {
    const std::string out = dir / name;
    const RunResult r = run_siren(small_run(image, out, 2) + extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
}

TEST(SirenSizeDefaults, FirstOmega0ScalesWithTheLongerSideBeyond256) {
    TempDir dir;
    const std::string wide = write_pattern_png(dir, "wide.png", 320, 8);
    const std::string small = write_pattern_png(dir, "small.png", 256, 8);
    // 320 pixels: 30 * (2 * 320 / 256 - 1) = 45 at full size.
    EXPECT_DOUBLE_EQ(first_omega0(run_one(dir, wide, "wide", {"--train-size", "full"})), 45.0);
    // --omega0 is what scales; --first-omega0 wins; other sizes follow the training size.
    EXPECT_DOUBLE_EQ(
        first_omega0(run_one(dir, wide, "w20", {"--train-size", "full", "--omega0", "20"})), 30.0);
    EXPECT_DOUBLE_EQ(first_omega0(run_one(dir, wide, "given",
                                          {"--train-size", "full", "--first-omega0", "50"})),
                     50.0);
    EXPECT_DOUBLE_EQ(first_omega0(run_one(dir, wide, "at512", {"--train-size", "512x16"})), 90.0);
    // 256 pixels and below (and the default fit in 256x256): --omega0 unchanged.
    EXPECT_DOUBLE_EQ(first_omega0(run_one(dir, small, "small", {"--train-size", "full"})), 30.0);
    EXPECT_DOUBLE_EQ(first_omega0(run_one(dir, wide, "fit", {})), 30.0);
}

TEST(SirenSizeDefaults, ResumeKeepsTheCheckpointsFirstOmega0) {
    TempDir dir;
    const std::string small = write_pattern_png(dir, "small.png", 64, 8);
    const std::string out =
        run_one(dir, small, "run", {"--train-size", "full", "--first-omega0", "42"});
    // Resumed at a size that would default to 90: the checkpoint's architecture applies.
    const RunResult r = run_siren(small_run(small, out, 3) +
                                  std::vector<std::string>{"--resume", out + "/model.safetensors",
                                                           "--train-size", "512x64"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_DOUBLE_EQ(first_omega0(out), 42.0);
}

}  // namespace
}  // namespace anvil::siren::test

namespace anvil::siren::test {
namespace {

double lr_of(const std::string& out) {
    return std::stod(nn::read_safetensors(out + "/model.safetensors").metadata.at("train.lr"));
}

TEST(SirenSizeDefaults, LearningRateShrinksWithTheLongerSideBeyond256) {
    TempDir dir;
    const std::string wide = write_pattern_png(dir, "wide.png", 512, 8);
    const auto run = [&](const std::string& name, const std::vector<std::string>& extra) {
        // small_run gives --lr; these runs need the default.
        std::vector<std::string> args = {"--backend", "cpu", "--image", wide, "--out", dir / name,
                                         "--hidden", "16", "--layers", "1", "--steps", "1",
                                         "--quiet"};
        const RunResult r = run_siren(args + extra);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return lr_of(dir / name);
    };
    EXPECT_DOUBLE_EQ(run("full", {"--train-size", "full"}), 1e-3);     // 2e-3 * 256 / 512
    EXPECT_DOUBLE_EQ(run("sgd", {"--train-size", "full", "--optimizer", "sgd"}), 5e-3);
    EXPECT_DOUBLE_EQ(run("given", {"--train-size", "full", "--lr", "3e-3"}), 3e-3);
    EXPECT_DOUBLE_EQ(run("fit", {}), 2e-3);                            // fit in 256x256
    EXPECT_DOUBLE_EQ(run("relu", {"--train-size", "full", "--activation", "relu"}), 2e-3);
}

}  // namespace
}  // namespace anvil::siren::test

namespace anvil::siren::test {
namespace {

TEST(SirenSizeDefaults, StepsGrowWithTheLongerSideBeyond128) {
    TempDir dir;
    const std::string wide = write_pattern_png(dir, "wide.png", 300, 4);
    const auto run = [&](const std::string& name, const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"--backend", "cpu", "--image", wide, "--out", dir / name,
                                         "--hidden", "8", "--layers", "1", "--quiet"};
        const RunResult r = run_siren(args + extra);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return nn::read_safetensors(dir / name + "/model.safetensors").metadata;
    };
    // The pixels of 700 + 2900 ((300 / 256)^2 - 1) / 3 = 1060.9 steps of 16384 (256 / 300)^2
    // (12.66 M) in batches of 16384 * 128 / 300: 1810.6, so 1811 steps, a snapshot every 181.
    auto meta = run("full", {"--train-size", "full"});
    EXPECT_EQ(meta.at("train.steps"), "1811");
    EXPECT_EQ(meta.at("step"), "1811");
    EXPECT_EQ(meta.at("train.snapshot_every"), "181");
    meta = run("given", {"--train-size", "full", "--steps", "5"});
    EXPECT_EQ(meta.at("train.steps"), "5");
    meta = run("snap", {"--train-size", "full", "--snapshot-every", "400"});
    EXPECT_EQ(meta.at("train.snapshot_every"), "400");
    // 700 x 16384 pixels in batches of 8192 at 256; 700 steps up to 128.
    meta = run("fit", {"--train-size", "256x4"});
    EXPECT_EQ(meta.at("train.steps"), "1400");
    meta = run("small", {"--train-size", "128x4"});
    EXPECT_EQ(meta.at("train.steps"), "700");
}

}  // namespace
}  // namespace anvil::siren::test

namespace anvil::siren::test {
namespace {

TEST(SirenSizeDefaults, BatchShrinksWithTheLongerSideBeyond128) {
    TempDir dir;
    const auto batch_of = [&](int width, int height, const std::vector<std::string>& extra) {
        const std::string name = std::to_string(width) + "x" + std::to_string(height) + "-" +
                                 std::to_string(extra.size());
        const std::string image = write_pattern_png(dir, name + ".png", width, height);
        std::vector<std::string> args = {"--backend", "cpu", "--image", image, "--out", dir / name,
                                         "--hidden", "8", "--layers", "1", "--steps", "1", "--quiet"};
        const RunResult r = run_siren(args + extra);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return nn::read_safetensors(dir / name + "/model.safetensors").metadata.at("train.batch");
    };
    // 16384 * 128 / 512 = 4096 random pixels of the 8192.
    EXPECT_EQ(batch_of(512, 16, {"--train-size", "full"}), "4096");
    // 16384 * 128 / 384 = 5461.3: 5461 of the 7680.
    EXPECT_EQ(batch_of(384, 20, {"--train-size", "full"}), "5461");
    // 16384 * 128 / 1024 = 2048 of the 4096.
    EXPECT_EQ(batch_of(1024, 4, {"--train-size", "full"}), "2048");
    // 16384 * 128 / 768 = 2730.7: 2731 of the 3072.
    EXPECT_EQ(batch_of(768, 4, {"--train-size", "full"}), "2731");
    // No more pixels than the default batch: full batch (0).
    EXPECT_EQ(batch_of(512, 8, {"--train-size", "full"}), "0");
    // Fit in 256x256 (the default training size): 8192 of 256 x 128 pixels.
    EXPECT_EQ(batch_of(1024, 512, {}), "8192");
    // The longer side counts: 16384 * 128 / 160 = 13107.2 of 128 x 160 = 20480 pixels. (Up to
    // 128 on the longer side an image has at most 16384 pixels: always a full batch.)
    EXPECT_EQ(batch_of(128, 160, {"--train-size", "full"}), "13107");
    // Given: kept.
    EXPECT_EQ(batch_of(512, 16, {"--train-size", "full", "--batch", "1000"}), "1000");
}

}  // namespace
}  // namespace anvil::siren::test
