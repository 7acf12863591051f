// anvil-siren trained through the real binary on small generated images: a PSNR floor on every
// available backend, cpu and reference loss curves that agree, resume equal to an
// uninterrupted run, renders at the requested sizes, render-only on any backend, and the
// other activations, losses and --batch.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

#include "anvil/nn/safetensors.h"
#include "outputs.h"
#include "siren_test_util.h"

namespace anvil::siren::test {
namespace {

namespace fs = std::filesystem;

nlohmann::json summary(const std::string& out) {
    return nlohmann::json::parse(read_text(out + "/summary.json"));
}

std::string describe(const RunResult& r) {
    return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

class SirenOnBackend : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (const std::string why = why_not_runnable(GetParam()); !why.empty()) GTEST_SKIP() << why;
    }
    std::vector<std::string> on_backend() const {
        return {"--backend", GetParam(), "--plugin-dir", external_plugin_dir()};
    }
    TempDir dir_;
};

// 32x24 pattern, 2x32 SIREN, 300 steps of Adam at 1e-3: about 45 dB on cpu; 30 dB is the floor.
TEST_P(SirenOnBackend, ReachesPsnrFloorAndWritesEveryOutput) {
    const std::string image = write_pattern_png(dir_, "pattern.png", 32, 24);
    const std::string out = dir_ / "run";
    const RunResult r = run_siren(small_run(image, out, 300) + on_backend() + std::vector<std::string>{"--render", "64x48"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const auto s = summary(out);
    EXPECT_EQ(s["backend"], GetParam());
    EXPECT_EQ(s["steps"], 300);
    EXPECT_GE(s["final_psnr_db"].get<double>(), 30.0);
    EXPECT_EQ(s["parameters"], (2 + 1) * 32 + (32 + 1) * 32 + (32 + 1) * 1);
    EXPECT_EQ(s["train_size"], nlohmann::json({32, 24}));

    const Image recon = load_image(out + "/reconstruction.png");
    EXPECT_EQ(recon.width, 32);
    EXPECT_EQ(recon.height, 24);
    EXPECT_EQ(recon.channels, 1);
    const Image render = load_image(out + "/render_64x48.png");
    EXPECT_EQ(render.width, 64);
    EXPECT_EQ(render.height, 48);
    // Snapshots every 30 steps plus step 0; the GIF and contact sheet are real images.
    for (int step = 0; step <= 300; step += 30)
        EXPECT_TRUE(fs::exists(out + "/" + snapshot_name(step))) << snapshot_name(step);
    EXPECT_EQ(read_text(out + "/timeline.gif").substr(0, 6), "GIF89a");
    ImageInfo info;
    load_image(out + "/timeline.png", &info);
    EXPECT_EQ(info.format, "PNG");
    const auto steps = metrics_column(out + "/metrics.csv", "step");
    ASSERT_EQ(steps.size(), 300u);
    EXPECT_EQ(steps.front(), 1);
    EXPECT_EQ(steps.back(), 300);
    EXPECT_TRUE(fs::exists(out + "/model.safetensors"));
}

// Render-only rebuilds the model on the backend under test from a cpu-trained checkpoint; at
// the training size it reproduces reconstruction.png up to rounding.
TEST_P(SirenOnBackend, RenderOnlyFromAnotherBackendsCheckpoint) {
    const std::string image = write_pattern_png(dir_, "pattern.png", 32, 24);
    const std::string train = dir_ / "train";
    ASSERT_EQ(run_siren(small_run(image, train, 60)).exit_code, 0);
    const std::string out = dir_ / "render";
    const RunResult r = run_siren(std::vector<std::string>{"--render-only", train + "/model.safetensors",
                                                     "--out", out, "--render", "32x24", "--render",
                                                     "45x17", "--quiet"} + on_backend());
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const Image again = load_image(out + "/render_32x24.png");
    const Image recon = load_image(train + "/reconstruction.png");
    ASSERT_EQ(again.pixels.size(), recon.pixels.size());
    for (std::size_t i = 0; i < recon.pixels.size(); ++i)
        ASSERT_NEAR(again.pixels[i], recon.pixels[i], 1.5 / 255) << "pixel " << i;
    const Image other = load_image(out + "/render_45x17.png");
    EXPECT_EQ(other.width, 45);
    EXPECT_EQ(other.height, 17);
}

INSTANTIATE_TEST_SUITE_P(Backends, SirenOnBackend, ::testing::Values("cpu", "reference", "opencl"),
                         [](const auto& p) { return p.param; });

// One seed, same settings: the float32 loss curves of cpu (Eigen, fused kernels) and reference
// (plain loops) may differ only by rounding. Stated tolerance: 1e-3 relative per step over
// 150 steps (measured: below 1e-4).
TEST(SirenCrossBackend, CpuAndReferenceLossCurvesAgree) {
    if (!backend_built("reference"))
        GTEST_SKIP() << "reference plugin not built in " << external_plugin_dir();
    TempDir dir;
    const std::string image = write_pattern_png(dir, "pattern.png", 24, 24);
    const std::vector<std::string> common{"--seed", "7", "--plugin-dir", external_plugin_dir()};
    const RunResult a = run_siren(small_run(image, dir / "cpu", 150) + common);
    const RunResult b = run_siren(small_run(image, dir / "ref", 150) + common +
                            std::vector<std::string>{"--backend", "reference"});
    ASSERT_EQ(a.exit_code, 0) << describe(a);
    ASSERT_EQ(b.exit_code, 0) << describe(b);
    const auto la = metrics_column(dir / "cpu/metrics.csv", "loss");
    const auto lb = metrics_column(dir / "ref/metrics.csv", "loss");
    ASSERT_EQ(la.size(), 150u);
    ASSERT_EQ(lb.size(), 150u);
    for (std::size_t i = 0; i < la.size(); ++i)
        ASSERT_NEAR(la[i], lb[i], 1e-3 * la[i]) << "step " << i + 1;
    EXPECT_LT(la.back(), la.front() / 10);
}

// One seed, same settings: the opencl backend (PoCL in CI: its own kernels, GEMM and
// reductions) trains to the cpu backend's final PSNR within 0.5 dB.
TEST(SirenCrossBackend, OpenclPsnrWithinHalfADecibelOfCpu) {
    if (const std::string why = why_not_runnable("opencl"); !why.empty()) GTEST_SKIP() << why;
    TempDir dir;
    const std::string image = write_pattern_png(dir, "pattern.png", 24, 24);
    const std::vector<std::string> seed{"--seed", "7"};
    const RunResult a = run_siren(small_run(image, dir / "cpu", 200) + seed);
    const RunResult b = run_siren(small_run(image, dir / "opencl", 200) + seed +
                                  std::vector<std::string>{"--backend", "opencl"});
    ASSERT_EQ(a.exit_code, 0) << describe(a);
    ASSERT_EQ(b.exit_code, 0) << describe(b);
    EXPECT_EQ(summary(dir / "opencl")["backend"], "opencl");
    const double cpu = summary(dir / "cpu")["final_psnr_db"].get<double>();
    const double opencl = summary(dir / "opencl")["final_psnr_db"].get<double>();
    EXPECT_GT(cpu, 25.0);  // it learned something, so the comparison means something
    EXPECT_NEAR(opencl, cpu, 0.5);
}

void expect_same_parameters(const std::string& a_path, const std::string& b_path) {
    const nn::SafetensorsFile a = nn::read_safetensors(a_path);
    const nn::SafetensorsFile b = nn::read_safetensors(b_path);
    EXPECT_EQ(a.metadata.at("step"), b.metadata.at("step"));
    ASSERT_EQ(a.tensors.size(), b.tensors.size());
    for (const auto& ta : a.tensors) {
        const nn::HostTensor* tb = b.find(ta.name);
        ASSERT_NE(tb, nullptr) << ta.name;
        ASSERT_EQ(ta.shape, tb->shape) << ta.name;
        ASSERT_EQ(ta.dtype, DType::f32);
        const auto* x = reinterpret_cast<const float*>(ta.data.data());
        const auto* y = reinterpret_cast<const float*>(tb->data.data());
        for (std::int64_t i = 0; i < ta.shape.numel(); ++i)
            ASSERT_NEAR(x[i], y[i], 1e-6 + 1e-5 * std::fabs(x[i])) << ta.name << "[" << i << "]";
    }
}

// N steps in one go, or N/2, save, resume to N: the same parameters and optimizer state. With
// --batch the sampler's RNG state travels in the checkpoint, so the batches match too.
// The schedule is constant because a cosine schedule depends on --steps: the split run's first
// half (--steps 20) would decay on another curve than the whole run's first 20 steps.
void check_resume(std::vector<std::string> extra) {
    extra.insert(extra.end(), {"--schedule", "constant"});
    TempDir dir;
    const std::string image = write_pattern_png(dir, "pattern.png", 24, 20);
    ASSERT_EQ(run_siren(small_run(image, dir / "whole", 40) + extra).exit_code, 0);
    ASSERT_EQ(run_siren(small_run(image, dir / "split", 20) + extra).exit_code, 0);
    const RunResult r = run_siren(small_run(image, dir / "split", 40) + extra +
                            std::vector<std::string>{"--resume", dir / "split/model.safetensors"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    expect_same_parameters(dir / "whole/model.safetensors", dir / "split/model.safetensors");
    // The resumed run's metrics continue the first half's rows.
    const auto steps = metrics_column(dir / "split/metrics.csv", "step");
    ASSERT_EQ(steps.size(), 40u);
    for (std::size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(steps[i], double(i + 1));
    const auto whole = metrics_column(dir / "whole/metrics.csv", "loss");
    const auto split = metrics_column(dir / "split/metrics.csv", "loss");
    EXPECT_NEAR(whole.back(), split.back(), 1e-5 * whole.back());
    EXPECT_EQ(summary(dir / "split")["resumed_from_step"], 20);
}

TEST(SirenResume, FullBatchMatchesUninterruptedRun) { check_resume({}); }
TEST(SirenResume, RandomBatchMatchesUninterruptedRun) { check_resume({"--batch", "100"}); }

TEST(SirenResume, ResumesOnAnotherBackend) {
    if (!backend_built("reference"))
        GTEST_SKIP() << "reference plugin not built in " << external_plugin_dir();
    TempDir dir;
    const std::string image = write_pattern_png(dir, "pattern.png", 16, 16);
    ASSERT_EQ(run_siren(small_run(image, dir / "run", 10)).exit_code, 0);
    const RunResult r = run_siren(small_run(image, dir / "run", 20) +
                            std::vector<std::string>{"--resume", dir / "run/model.safetensors",
                                                     "--backend", "reference", "--plugin-dir",
                                                     external_plugin_dir()});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_EQ(summary(dir / "run")["backend"], "reference");
    EXPECT_EQ(summary(dir / "run")["steps"], 20);
}

// The seed's tanh MLP, a relu MLP, and BCE with a sigmoid head on a binary image all learn.
struct Variant {
    const char* name;
    std::vector<std::string> args;
    bool binary_image;
    double min_gain_db;
};

void PrintTo(const Variant& variant, std::ostream* os) { *os << variant.name; }

class SirenVariant : public ::testing::TestWithParam<Variant> {};

TEST_P(SirenVariant, Learns) {
    TempDir dir;
    std::string image = write_pattern_png(dir, "pattern.png", 24, 24);
    if (GetParam().binary_image) {
        Image img = pattern_image(24, 24, 1);
        for (float& p : img.pixels) p = p > 0.6f ? 1.0f : 0.0f;
        image = dir / "binary.png";
        write_png(image, img);
    }
    const std::string out = dir / "run";
    const RunResult r = run_siren(small_run(image, out, 200) + GetParam().args);
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const auto psnr = metrics_column(out + "/metrics.csv", "psnr_db");
    EXPECT_GT(psnr.back() - psnr.front(), GetParam().min_gain_db);
    EXPECT_TRUE(std::isfinite(summary(out)["final_psnr_db"].get<double>()));
}

INSTANTIATE_TEST_SUITE_P(
    Variants, SirenVariant,
    ::testing::Values(Variant{"tanh", {"--activation", "tanh", "--lr", "1e-2"}, false, 3.0},
                      Variant{"relu", {"--activation", "relu", "--lr", "1e-2"}, false, 3.0},
                      Variant{"bce", {"--loss", "bce"}, true, 5.0},
                      Variant{"sgd", {"--optimizer", "sgd", "--lr", "1e-2"}, false, 10.0},
                      Variant{"cosine", {"--schedule", "cosine"}, false, 10.0},
                      Variant{"batch", {"--batch", "128", "--seed", "3"}, false, 10.0}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(SirenCli, AutoBackendIsAnnouncedAndRgbImagesTrain) {
    TempDir dir;
    const std::string image = write_pattern_png(dir, "rgb.png", 20, 16, 3);
    std::vector<std::string> args = small_run(image, dir / "run", 20);
    args.pop_back();  // not --quiet: the announcement is what we check
    const RunResult r = run_siren(args + std::vector<std::string>{"--backend", "auto"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_NE(r.err.find("--backend auto: using "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("step 20/20"), std::string::npos) << r.err;
    EXPECT_EQ(summary(dir / "run")["channels"], 3);
    EXPECT_EQ(load_image(dir / "run/reconstruction.png").channels, 3);
}

TEST(SirenCli, ListBackendsAndHelp) {
    const RunResult list = run_siren({"--list-backends", "--plugin-dir", external_plugin_dir()});
    EXPECT_EQ(list.exit_code, 0);
    EXPECT_NE(list.out.find("cpu: available"), std::string::npos) << list.out;
    if (backend_built("reference")) {
        EXPECT_NE(list.out.find("reference: available"), std::string::npos) << list.out;
    }
    const RunResult help = run_siren({"--help"});
    EXPECT_EQ(help.exit_code, 0);
    for (const char* flag : {"--backend", "--device", "--image", "--out", "--steps", "--lr",
                             "--schedule", "--optimizer", "--hidden", "--layers", "--omega0",
                             "--first-omega0", "--activation", "--loss", "--batch", "--seed",
                             "--snapshot-every", "--render", "--resume", "--render-only",
                             "--list-backends", "--quiet", "--train-size", "--max-pixels"})
        EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
}

}  // namespace
}  // namespace anvil::siren::test
