// For writers of communicator plugins (comm/mpi, comm/nccl): the entry point a plugin exports,
// a base class that moves tensors through one fused host buffer, and the watchdog that turns
// a collective stuck on a dead rank into a bounded exit.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "anvil/export.h"
#include "anvil/nn/communicator.h"

// Changes whenever Communicator, CommOptions or the entry point change; open_communicator
// refuses a plugin built against another version and names both numbers.
#define ANVIL_COMM_ABI_VERSION 1

// The entry point of libanvil-comm-<name>.so. Returns a new communicator, or null with a
// one-line reason in `error` (never an exception across the boundary).
extern "C" {
using anvil_comm_create_fn = anvil::nn::Communicator* (*)(int abi_version,
                                                          const anvil::nn::CommOptions* options,
                                                          char* error, std::size_t error_size);
}
#define ANVIL_COMM_ENTRY_POINT "anvil_comm_create"

namespace anvil::nn {

// Watches one blocking collective at a time from a thread of its own. arm() before the call,
// disarm() after; when a call stays armed past the timeout the watchdog prints
//   anvil: error: [comm] rank R: <what> waited more than T s for the other ranks ...
// and ends the process with status 1 (std::_Exit: a rank blocked inside MPI or NCCL cannot be
// unwound, and exiting lets the launcher end the rest of the job).
class ANVIL_EXPORT CommWatchdog {
public:
    CommWatchdog(int rank, double timeout_s);
    ~CommWatchdog();
    CommWatchdog(const CommWatchdog&) = delete;
    CommWatchdog& operator=(const CommWatchdog&) = delete;

    void arm(const char* what);
    void disarm();
    double timeout_s() const { return timeout_s_; }

private:
    void watch();

    int rank_;
    double timeout_s_;
    std::mutex mutex_;
    std::condition_variable wake_;
    const char* what_ = nullptr;  // the armed call, null when idle
    std::chrono::steady_clock::time_point deadline_;
    bool stop_ = false;
    std::thread thread_;
};

// Arms a watchdog for one scope.
class CommWatch {
public:
    CommWatch(CommWatchdog& dog, const char* what) : dog_(dog) { dog_.arm(what); }
    ~CommWatch() { dog_.disarm(); }
    CommWatch(const CommWatch&) = delete;
    CommWatch& operator=(const CommWatch&) = delete;

private:
    CommWatchdog& dog_;
};

// A communicator whose transport works on host memory (MPI over TCP or shared memory): the
// tensors are copied into one fused f32 host buffer, summed by allreduce_floats, and uploaded
// back. Counts the bytes and the time in stats().
class ANVIL_EXPORT HostStagedCommunicator : public Communicator {
public:
    void allreduce_sum(std::span<Tensor* const> tensors) override;

protected:
    // In-place sum over ranks of n floats.
    virtual void allreduce_floats(float* data, std::size_t n) = 0;

private:
    std::vector<float> fused_;
};

}  // namespace anvil::nn

// Defines the plugin's entry point from an expression building the communicator (it may
// throw; the message becomes open_communicator's error).
#define ANVIL_DEFINE_COMMUNICATOR(make_expression)                                            \
    extern "C" __attribute__((visibility("default"))) anvil::nn::Communicator*                \
    anvil_comm_create(int abi_version, const anvil::nn::CommOptions* options, char* error,     \
                      std::size_t error_size) {                                                \
        auto fail = [&](const std::string& text) -> anvil::nn::Communicator* {                 \
            if (error_size > 0) {                                                              \
                const std::size_t n = text.size() < error_size - 1 ? text.size() : error_size - 1; \
                text.copy(error, n);                                                           \
                error[n] = '\0';                                                               \
            }                                                                                  \
            return nullptr;                                                                    \
        };                                                                                     \
        if (abi_version != ANVIL_COMM_ABI_VERSION)                                             \
            return fail("built for communicator ABI " + std::to_string(ANVIL_COMM_ABI_VERSION) + \
                        ", the library has " + std::to_string(abi_version));                   \
        try {                                                                                  \
            const anvil::nn::CommOptions& opts = *options;                                     \
            return (make_expression);                                                          \
        } catch (const std::exception& e) {                                                    \
            return fail(e.what());                                                             \
        } catch (...) {                                                                        \
            return fail("unknown exception");                                                  \
        }                                                                                      \
    }
