// The communicator layer without mpirun: the built-in local communicator, the plugin loader's
// messages, ANVIL_COMM_TIMEOUT_S, the fused host packing every host-memory communicator uses,
// the watchdog's bounded exit, and (when this build has it) the mpi plugin as an MPI singleton.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <thread>

#include "anvil/anvil.h"
#include "anvil/nn/comm_plugin.h"
#include "anvil/nn/communicator.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace anvil::nn {
namespace {

using anvil::test::TempDir;

std::shared_ptr<Device> cpu() { return anvil::device("cpu"); }

// Sets an environment variable for one test and restores it after.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) ::setenv(name, value, 1); else ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_, old_->c_str(), 1); else ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

TEST(LocalCommunicator, IsRankZeroOfOneAndLeavesDataAlone) {
    auto comm = open_communicator("local");
    EXPECT_EQ(comm->name(), "local");
    EXPECT_EQ(comm->rank(), 0);
    EXPECT_EQ(comm->size(), 1);
    Tensor a = Tensor::from_vector(std::vector<float>{1, 2, 3}, Shape{3}, cpu());
    Tensor* list[] = {&a};
    comm->allreduce_sum(list);
    EXPECT_EQ(a.to_vector<float>(), (std::vector<float>{1, 2, 3}));
    std::vector<double> v{4.5};
    comm->allreduce_sum(v);
    EXPECT_EQ(v[0], 4.5);
    EXPECT_EQ(comm->broadcast_string("config", 0), "config");
    EXPECT_EQ(error_of([&] { comm->broadcast_string("x", 1); }), "[comm] broadcast from rank 1 of 1");
}

TEST(OpenCommunicator, NamesTheMissingFileAndWhereItLooked) {
    TempDir dir;
    ScopedEnv env("ANVIL_COMM_PLUGIN_PATH", dir.path().c_str());
    const std::string message = error_of([] { open_communicator("carrier-pigeon"); });
    EXPECT_NE(message.find("[comm] no libanvil-comm-carrier-pigeon.so in " + dir.path() + ", "),
              std::string::npos) << message;
    EXPECT_NE(message.find("this build has no 'carrier-pigeon' communicator"), std::string::npos);
}

TEST(OpenCommunicator, ABrokenPluginIsAnErrorWithDlopensReason) {
    TempDir dir;
    std::ofstream(dir / "libanvil-comm-broken.so") << "not an ELF file";
    ScopedEnv env("ANVIL_COMM_PLUGIN_PATH", dir.path().c_str());
    const std::string message = error_of([] { open_communicator("broken"); });
    EXPECT_EQ(message.rfind("[comm] cannot load " + (dir / "libanvil-comm-broken.so") + ": ", 0), 0u)
        << message;
}

TEST(CommTimeout, DefaultsTo120AndRejectsNonsense) {
    {
        ScopedEnv env("ANVIL_COMM_TIMEOUT_S", nullptr);
        EXPECT_EQ(comm_timeout_from_env(), 120.0);
    }
    {
        ScopedEnv env("ANVIL_COMM_TIMEOUT_S", "2.5");
        EXPECT_EQ(comm_timeout_from_env(), 2.5);
    }
    for (const char* bad : {"abc", "0", "-3", "5s", "inf"}) {
        ScopedEnv env("ANVIL_COMM_TIMEOUT_S", bad);
        EXPECT_EQ(error_of([] { comm_timeout_from_env(); }),
                  std::string("[comm] ANVIL_COMM_TIMEOUT_S='") + bad +
                      "' is not a positive number of seconds");
    }
}

// A host-staged communicator of "two identical ranks": the sum doubles every element. It also
// records each transport call, to show that any number of tensors makes one call.
class TwoIdenticalRanks final : public HostStagedCommunicator {
public:
    std::vector<std::size_t> calls;
    std::string name() const override { return "twins"; }
    int rank() const override { return 0; }
    int size() const override { return 2; }
    void allreduce_sum(std::span<double> values) override {
        for (double& v : values) v *= 2;
    }
    using HostStagedCommunicator::allreduce_sum;
    void broadcast(std::span<std::byte>, int) override {}
    void barrier() override {}
    [[noreturn]] void abort(int status) override { std::_Exit(status); }

protected:
    void allreduce_floats(float* data, std::size_t n) override {
        calls.push_back(n);
        for (std::size_t i = 0; i < n; ++i) data[i] *= 2;
    }
};

TEST(HostStagedCommunicator, PacksAllTensorsIntoOneCallAndUnpacksInPlace) {
    TwoIdenticalRanks comm;
    Tensor w = Tensor::from_vector(std::vector<float>{1, 2, 3, 4, 5, 6}, Shape{2, 3}, cpu());
    Tensor b = Tensor::from_vector(std::vector<float>{-1, 0.5f}, Shape{2}, cpu());
    Tensor loss = Tensor::from_vector(std::vector<float>{0.25f}, Shape{1}, cpu());
    Tensor* list[] = {&w, &b, &loss};
    comm.allreduce_sum(list);
    EXPECT_EQ(comm.calls, (std::vector<std::size_t>{9}));
    EXPECT_EQ(w.to_vector<float>(), (std::vector<float>{2, 4, 6, 8, 10, 12}));
    EXPECT_EQ(b.to_vector<float>(), (std::vector<float>{-2, 1}));
    EXPECT_EQ(loss.to_vector<float>(), (std::vector<float>{0.5f}));
    EXPECT_EQ(comm.stats().allreduce_calls, 1);
    EXPECT_EQ(comm.stats().allreduce_bytes, 9 * 4);
    Tensor d = Tensor::from_vector(std::vector<double>{1}, Shape{1}, cpu());
    Tensor* doubles[] = {&d};
    EXPECT_EQ(error_of([&] { comm.allreduce_sum(doubles); }),
              "[comm] allreduce_sum takes f32 tensors, got f64");
}

TEST(CommWatchdog, EndsAStuckCallWithStatus1AndSaysWhich) {
    EXPECT_EXIT(
        {
            CommWatchdog dog(3, 0.2);
            dog.arm("MPI_Allreduce");
            std::this_thread::sleep_for(std::chrono::seconds(10));
        },
        testing::ExitedWithCode(1),
        "anvil: error: \\[comm\\] rank 3: MPI_Allreduce waited more than 0.2 s for the other ranks");
}

TEST(CommWatchdog, LeavesCallsThatFinishInTimeAlone) {
    CommWatchdog dog(0, 0.2);
    for (int i = 0; i < 3; ++i) {
        CommWatch watch(dog, "MPI_Allreduce");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(400));  // idle: never fires
    SUCCEED();
}

#ifdef ANVIL_TEST_MPI_PLUGIN
// The plugin as an MPI singleton (no mpirun): rank 0 of 1, and the fused allreduce runs.
TEST(MpiCommunicator, LoadsAndRunsAsASingleton) {
    auto comm = open_communicator("mpi");
    EXPECT_EQ(comm->name(), "mpi");
    EXPECT_EQ(comm->rank(), 0);
    EXPECT_EQ(comm->size(), 1);
    Tensor a = Tensor::from_vector(std::vector<float>{1, 2}, Shape{2}, cpu());
    Tensor b = Tensor::from_vector(std::vector<float>{3}, Shape{1}, cpu());
    Tensor* list[] = {&a, &b};
    comm->allreduce_sum(list);
    EXPECT_EQ(a.to_vector<float>(), (std::vector<float>{1, 2}));
    EXPECT_EQ(b.to_vector<float>(), (std::vector<float>{3}));
    EXPECT_EQ(comm->stats().allreduce_bytes, 12);
    EXPECT_EQ(comm->broadcast_string("same flags", 0), "same flags");
    comm->barrier();
}
#endif

}  // namespace
}  // namespace anvil::nn
