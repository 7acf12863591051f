// CommWatchdog and HostStagedCommunicator (comm_plugin.h): the pieces every communicator
// plugin shares, kept in libanvil_nn so MPI and NCCL bound a stuck collective the same way.
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "anvil/nn/comm_plugin.h"

namespace anvil::nn {

CommWatchdog::CommWatchdog(int rank, double timeout_s)
    : rank_(rank), timeout_s_(timeout_s), thread_([this] { watch(); }) {}

CommWatchdog::~CommWatchdog() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void CommWatchdog::arm(const char* what) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        what_ = what;
        deadline_ = std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        std::chrono::duration<double>(timeout_s_));
    }
    wake_.notify_all();
}

void CommWatchdog::disarm() {
    std::lock_guard<std::mutex> lock(mutex_);
    what_ = nullptr;
}

void CommWatchdog::watch() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
        if (!what_) {
            wake_.wait(lock);
            continue;
        }
        const auto deadline = deadline_;
        if (wake_.wait_until(lock, deadline) == std::cv_status::timeout && what_ &&
            deadline_ == deadline && !stop_) {
            std::fprintf(stderr,
                         "anvil: error: [comm] rank %d: %s waited more than %g s for the other "
                         "ranks (ANVIL_COMM_TIMEOUT_S); a rank has died or hangs; exiting\n",
                         rank_, what_, timeout_s_);
            std::fflush(stderr);
            std::_Exit(1);
        }
    }
}

void HostStagedCommunicator::allreduce_sum(std::span<Tensor* const> tensors) {
    const auto start = std::chrono::steady_clock::now();
    std::size_t total = 0;
    for (const Tensor* t : tensors) {
        if (t->dtype() != DType::f32)
            throw Error("[comm] allreduce_sum takes f32 tensors, got " +
                        std::string(dtype_name(t->dtype())));
        total += static_cast<std::size_t>(t->numel());
    }
    fused_.resize(total);
    std::size_t offset = 0;
    for (const Tensor* t : tensors) {
        t->to_host_range(0, fused_.data() + offset, t->nbytes());
        offset += static_cast<std::size_t>(t->numel());
    }
    allreduce_floats(fused_.data(), total);
    offset = 0;
    for (Tensor* t : tensors) {
        t->upload_range(0, fused_.data() + offset, t->nbytes());
        offset += static_cast<std::size_t>(t->numel());
    }
    stats_.allreduce_calls += 1;
    stats_.allreduce_bytes += static_cast<std::int64_t>(total * sizeof(float));
    stats_.allreduce_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace anvil::nn
