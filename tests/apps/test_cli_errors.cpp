// Every bad input of issue 3 through the real anvil-siren binary: the exit status (2 for
// usage, 1 otherwise), one line on stderr starting "anvil-siren: error:" that names the
// problem, and nothing lost: divergence keeps the last good checkpoint, SIGINT/SIGTERM write
// the outputs and exit 130, and a failing run leaves an earlier run's outputs untouched.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "anvil/nn/checkpoint.h"
#include "siren_test_util.h"
#include "support/sanitizer.h"

namespace anvil::siren::test {
namespace {

namespace fs = std::filesystem;

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

// Files shared by the table below, made once: an image, broken images, a trained checkpoint
// and broken checkpoints.
class BadInputFiles {
public:
    static BadInputFiles& get() {
        static BadInputFiles files;
        return files;
    }
    std::string image, text, empty, truncated_png, checkpoint, truncated_ckpt, corrupt_ckpt,
        foreign_ckpt, blocker;
    TempDir dir;

    // A checkpoint trained with --batch 100, made on first use: one case needs it.
    std::string batched_checkpoint() const {
        if (batched_.empty()) {
            const RunResult r =
                run_siren(small_run(image, dir / "batched", 4) + std::vector<std::string>{"--batch", "100"});
            if (r.exit_code != 0) throw std::runtime_error("training the batched fixture failed: " + r.err);
            batched_ = dir / "batched/model.safetensors";
        }
        return batched_;
    }

private:
    BadInputFiles() {
        image = write_pattern_png(dir, "good.png", 16, 12);
        text = dir / "notes.txt";
        write_bytes(text, "this is not an image\n");
        empty = dir / "empty.png";
        write_bytes(empty, "");
        const std::string png = read_text(image);
        truncated_png = dir / "truncated.png";
        write_bytes(truncated_png, png.substr(0, png.size() / 2));
        blocker = dir / "a-file";
        write_bytes(blocker, "x");

        const RunResult r = run_siren(small_run(image, dir / "trained", 4));
        if (r.exit_code != 0) throw std::runtime_error("training the fixture failed: " + r.err);
        checkpoint = dir / "trained/model.safetensors";
        const std::string ckpt = read_text(checkpoint);
        truncated_ckpt = dir / "truncated.safetensors";
        write_bytes(truncated_ckpt, ckpt.substr(0, ckpt.size() - 100));
        corrupt_ckpt = dir / "corrupt.safetensors";
        std::string corrupt = ckpt;
        corrupt.replace(9, 12, "%%%%%%%%%%%%");  // inside the JSON header
        write_bytes(corrupt_ckpt, corrupt);
        // A valid safetensors file that is not an anvil-siren checkpoint.
        foreign_ckpt = dir / "foreign.safetensors";
        nn::SafetensorsFile foreign;
        foreign.metadata["format"] = "pt";
        nn::HostTensor t;
        t.name = "weight";
        t.shape = Shape{2};
        t.data.resize(8);
        foreign.tensors.push_back(t);
        nn::write_safetensors(foreign_ckpt, foreign);
    }
    mutable std::string batched_;
};

struct BadInput {
    const char* name;
    std::function<std::vector<std::string>(const BadInputFiles&, const std::string& out)> args;
    int exit_code;
    const char* message;  // a substring of the one-line error
};

// Test names and ctest's listing show the case name, not the struct's bytes.
void PrintTo(const BadInput& input, std::ostream* os) { *os << input.name; }

class SirenBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(SirenBadInput, FailsWithOneClearLine) {
    const BadInputFiles& f = BadInputFiles::get();
    TempDir out;
    const RunResult r = run_siren(GetParam().args(f, out / "out") + std::vector<std::string>{"--quiet"});
    EXPECT_EQ(r.exit_code, GetParam().exit_code) << r.err;
    EXPECT_EQ(r.err.rfind("anvil-siren: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(GetParam().message), std::string::npos)
        << "expected '" << GetParam().message << "' in: " << r.err;
    EXPECT_FALSE(fs::exists(out / "out/model.safetensors"));
}

using Args = std::vector<std::string>;
std::vector<std::string> train(const BadInputFiles& f, const std::string& out, Args extra = {}) {
    return small_run(f.image, out, 3) + extra;
}

const BadInput kBadInputs[] = {
    {"MissingImage", [](auto& f, auto& o) { return small_run(f.dir / "nope.png", o, 3); }, 1,
     "nope.png: cannot open: No such file or directory"},
    {"DirectoryAsImage", [](auto& f, auto& o) { return small_run(f.dir.path(), o, 3); }, 1,
     "is a directory, not an image"},
    {"EmptyImage", [](auto& f, auto& o) { return small_run(f.empty, o, 3); }, 1, "file is empty"},
    {"NotAnImage", [](auto& f, auto& o) { return small_run(f.text, o, 3); }, 1,
     "not an image anvil-siren can read"},
    {"TruncatedImage", [](auto& f, auto& o) { return small_run(f.truncated_png, o, 3); }, 1,
     "truncated PNG: the file ends early (libspng: end of stream)"},
    {"UnknownBackend", [](auto& f, auto& o) { return train(f, o, {"--backend", "nosuch"}); }, 2,
     "--backend: unknown backend 'nosuch'; available: cpu"},
    {"UnavailableBackend",
     [](auto& f, auto& o) {
         return train(f, o, {"--backend", "sleepy", "--plugin-dir", ANVIL_UNAVAILABLE_PLUGIN_DIR});
     },
     1, "[backend] backend 'sleepy' is unavailable: no sleepy hardware attached (simulated)"},
    {"DeviceOutOfRange", [](auto& f, auto& o) { return train(f, o, {"--device", "7"}); }, 2,
     "--device 7: backend cpu has 1 device"},
    {"ZeroSteps", [](auto& f, auto& o) { return train(f, o, {"--steps", "0"}); }, 2,
     "--steps: expected a positive integer, got '0'"},
    {"NegativeSteps", [](auto& f, auto& o) { return train(f, o, {"--steps", "-5"}); }, 2,
     "--steps: expected a positive integer, got '-5'"},
    {"NonNumericSteps", [](auto& f, auto& o) { return train(f, o, {"--steps", "ten"}); }, 2,
     "--steps: expected a positive integer, got 'ten'"},
    {"ZeroHidden", [](auto& f, auto& o) { return train(f, o, {"--hidden", "0"}); }, 2,
     "--hidden: expected a positive integer"},
    {"NegativeLayers", [](auto& f, auto& o) { return train(f, o, {"--layers", "-1"}); }, 2,
     "--layers: expected a positive integer"},
    {"ZeroBatch", [](auto& f, auto& o) { return train(f, o, {"--batch", "0"}); }, 2,
     "--batch: expected a positive integer or full"},
    {"BatchLargerThanImage", [](auto& f, auto& o) { return train(f, o, {"--batch", "1000"}); }, 2,
     "--batch 1000 is not less than the 192 training pixels"},
    {"ZeroSnapshotEvery", [](auto& f, auto& o) { return train(f, o, {"--snapshot-every", "0"}); },
     2, "--snapshot-every: expected a positive integer"},
    {"NegativeLr", [](auto& f, auto& o) { return train(f, o, {"--lr", "-1"}); }, 2,
     "--lr: expected a positive finite number, got '-1'"},
    {"NonNumericOmega", [](auto& f, auto& o) { return train(f, o, {"--omega0", "fast"}); }, 2,
     "--omega0: expected a positive number, got 'fast'"},
    {"ZeroTrainSize", [](auto& f, auto& o) { return train(f, o, {"--train-size", "0x16"}); }, 2,
     "--train-size: expected WIDTHxHEIGHT with both sides from 1 to 1048576, got '0x16'"},
    {"BadRenderSize", [](auto& f, auto& o) { return train(f, o, {"--render", "wide"}); }, 2,
     "--render: expected WIDTHxHEIGHT such as 256x256, got 'wide'"},
    {"NegativeRenderSize", [](auto& f, auto& o) { return train(f, o, {"--render", "-3x4"}); }, 2,
     "--render: expected WIDTHxHEIGHT"},
    {"RenderOverBudget",
     [](auto& f, auto& o) { return train(f, o, {"--render", "1000000x1000000"}); }, 2,
     "--render 1000000x1000000 needs 7.28 TiB of host memory, over the budget of"},
    {"TrainSizeOverBudget",
     [](auto& f, auto& o) { return train(f, o, {"--train-size", "1000000x1000000"}); }, 2,
     "training at 1000000x1000000 needs 21.83 TiB of host memory, over the budget of"},
    {"UnknownActivation", [](auto& f, auto& o) { return train(f, o, {"--activation", "gelu"}); },
     2, "--activation: expected sine|relu|tanh, got 'gelu'"},
    {"UnknownOption", [](auto& f, auto& o) { return train(f, o, {"--colour"}); }, 2,
     "--colour"},
    {"MissingImageOption", [](auto&, auto& o) { return Args{"--out", o}; }, 2,
     "--image is required"},
    {"MissingOut", [](auto& f, auto&) { return Args{"--image", f.image}; }, 2,
     "--out is required"},
    {"OutIsAFile", [](auto& f, auto&) { return small_run(f.image, f.blocker, 3); }, 1,
     "a-file: exists and is not a directory"},
    {"OutUnderAFile",
     [](auto& f, auto&) { return small_run(f.image, f.blocker + "/sub", 3); }, 1,
     "cannot create the directory: Not a directory"},
    {"DeviceOutOfMemory",
     [](auto& f, auto& o) { return train(f, o, {"--hidden", "4000000"}); }, 1,
     "free; use a smaller --hidden or --layers"},
    {"TrainingOverMemoryNeedsBatch",
     [](auto& f, auto& o) {
         return train(f, o, {"--hidden", "64", "--layers", "1000", "--train-size", "4096x4096",
                                   "--batch", "full"});
     },
     1, "use --batch "},
    {"CheckpointNotSafetensors",
     [](auto& f, auto& o) { return train(f, o, {"--resume", f.text}); }, 1,
     "notes.txt: not a safetensors file"},
    {"CheckpointTruncated",
     [](auto& f, auto& o) { return Args{"--render-only", f.truncated_ckpt, "--out", o}; }, 1,
     "truncated.safetensors: truncated"},
    {"CheckpointCorrupt",
     [](auto& f, auto& o) { return Args{"--render-only", f.corrupt_ckpt, "--out", o}; }, 1,
     "corrupt.safetensors: corrupt header JSON"},
    {"CheckpointNotAnvil",
     [](auto& f, auto& o) { return Args{"--render-only", f.foreign_ckpt, "--out", o}; }, 1,
     "foreign.safetensors: not an anvil"},
    {"CheckpointOtherArchitecture",
     [](auto& f, auto& o) { return train(f, o, {"--resume", f.checkpoint, "--hidden", "64"}); }, 1,
     "checkpoint has 2x32 hidden layers, 2x64 asked for"},
    {"CheckpointOtherActivation",
     [](auto& f, auto& o) {
         return Args{"--render-only", f.checkpoint, "--out", o, "--activation", "relu"};
     },
     1, "asked for"},
    {"CheckpointMissing",
     [](auto& f, auto& o) { return Args{"--render-only", f.dir / "none.safetensors", "--out", o}; },
     1, "none.safetensors"},
    {"ResumeNothingLeft",
     [](auto& f, auto& o) { return train(f, o, {"--resume", f.checkpoint, "--steps", "2"}); }, 2,
     "the checkpoint is already at step 4"},
    {"ResumeBatchOverSmallerTrainSize",
     [](auto& f, auto& o) {
         return train(f, o, {"--resume", f.batched_checkpoint(), "--train-size", "8x6", "--steps", "9"});
     },
     2,
     "the checkpoint's batch of 100 is not less than the 48 training pixels; use --batch full or a "
     "smaller --batch"},
    {"ResumeWithOtherOptimizer",
     [](auto& f, auto& o) {
         return train(f, o, {"--resume", f.checkpoint, "--optimizer", "sgd", "--steps", "9"});
     },
     1, "checkpoint was trained with adam, sgd asked for"},
};

INSTANTIATE_TEST_SUITE_P(Cases, SirenBadInput, ::testing::ValuesIn(kBadInputs),
                         [](const auto& p) { return std::string(p.param.name); });

// An absurd learning rate overflows the loss. The run stops at that step, says so, suggests a
// lower rate, and keeps the last checkpoint written before it.
TEST(SirenDivergence, StopsKeepsLastGoodCheckpointAndSuggestsLowerLr) {
    TempDir dir;
    const std::string image = write_pattern_png(dir, "p.png", 16, 16);
    const std::string out = dir / "run";
    const RunResult r = run_siren(small_run(image, out, 50) +
                            Args{"--lr", "1e30", "--snapshot-every", "1"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("the loss became infinite at step 2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("keeps the last good checkpoint (step 1)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--lr 1e+29"), std::string::npos) << r.err;
    const nn::Checkpoint kept = nn::Checkpoint::read(out + "/model.safetensors");
    EXPECT_EQ(kept.step(), 1);
    // metrics.csv ends with the step that overflowed.
    const auto losses = metrics_column(out + "/metrics.csv", "loss");
    ASSERT_EQ(losses.size(), 2u);
    EXPECT_TRUE(std::isfinite(losses[0]));
    EXPECT_TRUE(std::isinf(losses[1]));
}

// Memory that the device reports free but cannot deliver (here: an address-space limit on
// the process) surfaces as anvil::OutOfMemoryError: the message says how much was asked and
// suggests --batch.
TEST(SirenOutOfMemory, ReportsTheRequestAndSuggestsBatch) {
#ifdef ANVIL_TEST_ASAN
    GTEST_SKIP() << "cannot run under AddressSanitizer: its shadow memory needs terabytes of "
                    "address space, so the binary cannot start under ulimit -v";
#endif
    TempDir dir;
    const std::string image = write_pattern_png(dir, "p.png", 16, 16);
    // 1024x1024 pixels full batch: each (N, 64) layer output alone is 256 MiB.
    const std::vector<std::string> args =
        small_run(image, dir / "run", 2) +
        Args{"--train-size", "1024x1024", "--hidden", "64", "--batch", "full"};
    std::vector<std::string> argv{"/bin/sh", "-c", "ulimit -v 800000 && exec \"$0\" \"$@\""};
    const auto siren = siren_argv(args);
    argv.insert(argv.end(), siren.begin(), siren.end());
    const RunResult r = run_program(argv);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("anvil-siren: error: out of device memory (asked for "), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("try a smaller --batch"), std::string::npos) << r.err;
}

// A failed run into a directory holding an earlier run's outputs changes none of them.
TEST(SirenFailure, LeavesEarlierOutputsUntouched) {
    TempDir dir;
    const std::string image = write_pattern_png(dir, "p.png", 16, 16);
    const std::string out = dir / "run";
    ASSERT_EQ(run_siren(small_run(image, out, 10)).exit_code, 0);
    const std::vector<std::string> files{"model.safetensors", "reconstruction.png", "metrics.csv",
                                         "summary.json", "timeline.gif", "timeline.png"};
    std::vector<std::string> before;
    for (const auto& f : files) before.push_back(read_text(out + "/" + f));
    // Diverges at step 2 without a snapshot (the first would be at step 5).
    const RunResult r = run_siren(small_run(image, out, 50) + Args{"--lr", "1e30"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no checkpoint had been saved yet"), std::string::npos) << r.err;
    // metrics.csv is rewritten with the failed run's rows; everything else stays.
    auto expect_unchanged = [&] {
        for (std::size_t i = 0; i < files.size(); ++i) {
            if (files[i] == "metrics.csv") continue;
            EXPECT_EQ(read_text(out + "/" + files[i]), before[i]) << files[i];
        }
    };
    expect_unchanged();
    // A resume from a corrupt checkpoint fails before touching anything at all.
    const RunResult bad = run_siren(small_run(image, out, 50) + Args{"--resume", image});
    EXPECT_EQ(bad.exit_code, 1);
    expect_unchanged();
}

// SIGINT and SIGTERM: the current step finishes, the checkpoint and outputs are written, and
// the exit status is 130.
class SirenSignal : public ::testing::TestWithParam<int> {};

TEST_P(SirenSignal, WritesOutputsAndExits130) {
    TempDir dir;
    const std::string image = write_pattern_png(dir, "p.png", 16, 16);
    const std::string out = dir / "run";
    std::vector<std::string> args = small_run(image, out, 100000000);
    args.pop_back();  // progress lines tell us training has started
    Process p(siren_argv(args + Args{"--snapshot-every", "1000000"}));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (p.err_so_far().find("steps 0 -> ") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    p.send(GetParam());
    const RunResult r = p.wait();
    ASSERT_EQ(r.exit_code, 130) << r.err;
    EXPECT_NE(r.err.find(GetParam() == SIGINT ? "SIGINT at step" : "SIGTERM at step"),
              std::string::npos) << r.err;
    const auto s = nlohmann::json::parse(read_text(out + "/summary.json"));
    EXPECT_TRUE(s["interrupted"].get<bool>());
    const std::int64_t steps = s["steps"];
    EXPECT_GT(steps, 0);
    EXPECT_LT(steps, 100000000);
    EXPECT_EQ(nn::Checkpoint::read(out + "/model.safetensors").step(), steps);
    for (const char* f : {"reconstruction.png", "timeline.gif", "timeline.png", "metrics.csv"})
        EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
    EXPECT_EQ(metrics_column(out + "/metrics.csv", "step").size(), static_cast<std::size_t>(steps));
}

INSTANTIATE_TEST_SUITE_P(Signals, SirenSignal, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& p) {
                             return std::string(p.param == SIGINT ? "SIGINT" : "SIGTERM");
                         });

}  // namespace
}  // namespace anvil::siren::test
