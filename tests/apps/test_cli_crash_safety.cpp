// Crash safety of anvil-siren's saves (issue 13): kill -9 at random moments of a run that saves
// a snapshot, the checkpoint and metrics.csv after every step. The checkpoint must always load
// (atomic replacement), and the temporary files a killed run leaves behind must be removed by
// the next run into the same --out (only anvil-siren's own, only those of dead processes).
// Also: a run that fails after --resume names the checkpoint that really holds the last good
// step.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "anvil/nn/checkpoint.h"
#include "siren_test_util.h"
#include "outputs.h"
#include "stale_temp_files.h"

namespace anvil::siren::test {
namespace {

namespace fs = std::filesystem;
using Args = std::vector<std::string>;

// Every ".<name>.tmp-<pid>-<n>" file in out and out/snapshots, with its pid.
std::vector<std::pair<std::string, long>> temp_files(const std::string& out) {
    std::vector<std::pair<std::string, long>> found;
    for (const fs::path& dir : {fs::path(out), fs::path(out) / "snapshots"}) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const std::string name = entry.path().filename().string();
            if (name.find(".tmp-") == std::string::npos) continue;
            long pid = -1;
            EXPECT_TRUE(is_own_temp_file(name, &pid)) << "unexpected temporary file " << name;
            found.emplace_back(entry.path().string(), pid);
        }
    }
    return found;
}

// The pid of a process that has exited (and been reaped): nobody owns it now.
long dead_pid() {
    Process p({"/bin/true"});
    const long pid = p.pid();
    p.wait();
    return pid;
}

TEST(SirenCrashSafety, KillNineDuringSavesNeverLosesTheCheckpoint) {
    TempDir dir;
    const std::string image = write_pattern_png(dir, "p.png", 16, 16);
    const std::string out = dir / "run";
    const std::string checkpoint = out + "/model.safetensors";
    ASSERT_EQ(run_siren(small_run(image, out, 2)).exit_code, 0);
    const unsigned seed = std::random_device{}();
    std::mt19937 rng(seed);
    // From the start-up (about 0.1 s) into the step loop (about 15 ms a step with its saves).
    std::uniform_int_distribution<int> delay_ms(40, 400);
    std::int64_t step = 2;
    int temp_files_seen = 0;
    std::set<long> may_own_temp_files;
    constexpr int kKills = 30;
    for (int i = 0; i < kKills; ++i) {
        SCOPED_TRACE("seed " + std::to_string(seed) + ", kill " + std::to_string(i));
        Process p(siren_argv(small_run(image, out, 100000000) +
                             Args{"--resume", checkpoint, "--snapshot-every", "1"}));
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        p.send(SIGKILL);
        const RunResult r = p.wait();
        ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
        std::int64_t now = -1;
        ASSERT_NO_THROW(now = nn::Checkpoint::read(checkpoint).step());
        EXPECT_GE(now, step);
        // A run that saved a checkpoint got past its start-up, which removes every dead run's
        // temporary files; one killed earlier (under load it can die before that) removed
        // nothing. So the files left belong to the runs killed since the last one that saved.
        if (now > step) may_own_temp_files.clear();
        may_own_temp_files.insert(p.pid());
        step = now;
        for (const auto& [path, pid] : temp_files(out)) {
            EXPECT_TRUE(may_own_temp_files.count(pid)) << path;
            ++temp_files_seen;
        }
    }
    // The next run cleans up the last killed run's files and finishes.
    const RunResult last = run_siren(small_run(image, out, static_cast<int>(step) + 2) +
                                     Args{"--resume", checkpoint});
    ASSERT_EQ(last.exit_code, 0) << last.err;
    EXPECT_EQ(nn::Checkpoint::read(checkpoint).step(), step + 2);
    EXPECT_TRUE(temp_files(out).empty());
    // Not an assertion (the moments are random), but the log shows the kills hit saves.
    std::printf("%d kills, seed %u: %d temporary files seen right after a kill\n", kKills,
                seed, temp_files_seen);
}

TEST(SirenCrashSafety, NextRunRemovesOnlyItsOwnDeadTempFiles) {
    TempDir dir;
    const std::string image = write_pattern_png(dir, "p.png", 16, 16);
    const std::string out = dir / "run";
    fs::create_directories(out + "/snapshots");
    const std::string dead = std::to_string(dead_pid());
    const std::string alive = std::to_string(::getpid());  // this test: a run still saving
    const std::vector<std::string> stale{".model.safetensors.tmp-" + dead + "-0",
                                         ".metrics.csv.tmp-" + dead + "-12",
                                         ".render_64x48.png.tmp-" + dead + "-3",
                                         "snapshots/.step_000010.png.tmp-" + dead + "-7"};
    const std::vector<std::string> kept{".model.safetensors.tmp-" + alive + "-0",  // live writer
                                        ".notes.txt.tmp-" + dead + "-0",  // not our output
                                        "model.safetensors.tmp-" + dead + "-0",  // not hidden
                                        ".metrics.csv.tmp-" + dead,  // not the pattern
                                        "snapshots/.step_x.png.tmp-" + dead + "-1"};
    for (const auto& name : stale) write_text_file(out + "/" + name, "partial");
    for (const auto& name : kept) write_text_file(out + "/" + name, "someone else's");
    const RunResult r = run_siren(small_run(image, out, 2));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& name : stale) EXPECT_FALSE(fs::exists(out + "/" + name)) << name;
    for (const auto& name : kept) EXPECT_EQ(read_text(out + "/" + name), "someone else's") << name;
}

// Diverging after --resume and before this run saved anything: the last good checkpoint is
// the one resumed from, not a file in the new --out that was never written.
TEST(SirenCrashSafety, FailedResumeNamesTheCheckpointItResumedFrom) {
    TempDir dir;
    const std::string image = write_pattern_png(dir, "p.png", 16, 16);
    const std::string first = dir / "first";
    ASSERT_EQ(run_siren(small_run(image, first, 4)).exit_code, 0);
    const std::string out = dir / "second";
    const RunResult r = run_siren(small_run(image, out, 50) +
                                  Args{"--resume", first + "/model.safetensors", "--lr", "1e30",
                                       "--snapshot-every", "100"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "anvil-siren: error: [train] the loss became infinite at step 6; training "
                     "stopped and " + first + "/model.safetensors keeps the last good checkpoint "
                     "(step 4); try a lower learning rate, e.g. --lr 1e+29\n");
    EXPECT_FALSE(fs::exists(out + "/model.safetensors"));
}

}  // namespace
}  // namespace anvil::siren::test
