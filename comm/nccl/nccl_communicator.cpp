// libanvil-comm-nccl.so: the Communicator over NCCL for tensors on a cuda device. The tensors
// are packed into one fused device buffer on the cuda plugin's stream, summed by one
// ncclAllReduce and unpacked, all queued in order behind the step's kernels. The communicator
// is non-blocking (NCCL's config.blocking = 0), so every wait polls NCCL's asynchronous error
// and gives up with ncclCommAbort after the timeout instead of hanging on a dead rank.
// Host-side collectives and the exchange of NCCL's unique id go through the bootstrap
// communicator (mpi under mpirun, local for one rank).
#include <cuda_runtime_api.h>
#include <dlfcn.h>
#include <nccl.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "anvil/device.h"
#include "anvil/error.h"
#include "anvil/nn/comm_plugin.h"
#include "anvil/registry.h"
#include "cuda_interop.h"

namespace anvil::comm {
namespace {

using Clock = std::chrono::steady_clock;

void check_cuda(cudaError_t code, const char* call) {
    if (code != cudaSuccess)
        throw Error(std::string("[comm] nccl: ") + call + " failed: " + cudaGetErrorString(code));
}

// The cuda plugin's interop entry, from the copy of libanvil-cuda.so the registry loaded.
anvil_cuda_device_stream_fn find_cuda_interop() {
    for (const LoadAttempt& attempt : Registry::instance().attempts()) {
        if (std::find(attempt.backends.begin(), attempt.backends.end(), "cuda") ==
            attempt.backends.end())
            continue;
        void* handle = dlopen(attempt.path.c_str(), RTLD_NOW | RTLD_NOLOAD);
        if (!handle) continue;
        if (void* entry = dlsym(handle, ANVIL_CUDA_INTEROP_ENTRY))
            return reinterpret_cast<anvil_cuda_device_stream_fn>(entry);
    }
    throw Error("[comm] nccl: the loaded cuda plugin has no " ANVIL_CUDA_INTEROP_ENTRY
                " entry (a cuda plugin older than the nccl communicator?)");
}

class NcclCommunicator final : public nn::Communicator {
public:
    explicit NcclCommunicator(const nn::CommOptions& options)
        : bootstrap_(options.bootstrap), device_(options.device), timeout_s_(options.timeout_s) {
        if (!bootstrap_) throw Error("[comm] nccl needs a bootstrap communicator (mpi or local)");
        if (!device_ || device_->backend_name() != "cuda")
            throw Error("nccl runs on cuda devices (--backend cuda), not on " +
                        (device_ ? device_->name() : std::string("no device")));
        void* stream = nullptr;
        if (find_cuda_interop()(device_.get(), &stream, &gpu_) != 0)
            throw Error("[comm] nccl: " + device_->name() + " is not a cuda device of the plugin");
        stream_ = static_cast<cudaStream_t>(stream);
        check_cuda(cudaSetDevice(gpu_), "cudaSetDevice");

        ncclUniqueId id{};
        if (bootstrap_->rank() == 0) check(ncclGetUniqueId(&id), "ncclGetUniqueId");
        bootstrap_->broadcast(std::as_writable_bytes(std::span(&id, 1)), 0);
        ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
        config.blocking = 0;
        check(ncclCommInitRankConfig(&comm_, bootstrap_->size(), id, bootstrap_->rank(), &config),
              "ncclCommInitRankConfig");
        wait_for_nccl("ncclCommInitRankConfig");
    }

    ~NcclCommunicator() override {
        if (comm_ && !failed_) {
            cudaStreamSynchronize(stream_);
            ncclCommDestroy(comm_);
        }
        if (fused_) cudaFree(fused_);
    }

    std::string name() const override { return "nccl"; }
    int rank() const override { return bootstrap_->rank(); }
    int size() const override { return bootstrap_->size(); }
    int local_rank() const override { return bootstrap_->local_rank(); }

    void allreduce_sum(std::span<Tensor* const> tensors) override {
        const auto start = Clock::now();
        std::size_t total = 0;
        for (const Tensor* t : tensors) {
            if (t->dtype() != DType::f32 || &t->device() != device_.get())
                throw Error("[comm] nccl: allreduce_sum takes f32 tensors on " + device_->name());
            total += static_cast<std::size_t>(t->numel());
        }
        if (total > capacity_) {
            if (fused_) check_cuda(cudaFree(fused_), "cudaFree");
            fused_ = nullptr;
            check_cuda(cudaMalloc(&fused_, total * sizeof(float)), "cudaMalloc");
            capacity_ = total;
        }
        // Handles of cuda tensors are device addresses (docs/architecture.md): this plugin is
        // cuda's own companion, the one place outside the cuda plugin that may use them so.
        std::size_t offset = 0;
        for (const Tensor* t : tensors) {
            check_cuda(cudaMemcpyAsync(fused_ + offset, t->data(), t->nbytes(),
                                       cudaMemcpyDeviceToDevice, stream_),
                       "cudaMemcpyAsync");
            offset += static_cast<std::size_t>(t->numel());
        }
        check(ncclAllReduce(fused_, fused_, total, ncclFloat, ncclSum, comm_, stream_),
              "ncclAllReduce");
        // Non-blocking NCCL may still be enqueuing (ncclInProgress): the copies back must
        // follow its kernel on the stream, so they wait until the call is enqueued.
        wait_for_nccl("ncclAllReduce");
        offset = 0;
        for (Tensor* t : tensors) {
            check_cuda(cudaMemcpyAsync(t->data(), fused_ + offset, t->nbytes(),
                                       cudaMemcpyDeviceToDevice, stream_),
                       "cudaMemcpyAsync");
            offset += static_cast<std::size_t>(t->numel());
        }
        wait_for_stream("ncclAllReduce");
        stats_.allreduce_calls += 1;
        stats_.allreduce_bytes += static_cast<std::int64_t>(total * sizeof(float));
        stats_.allreduce_seconds += std::chrono::duration<double>(Clock::now() - start).count();
    }
    void allreduce_sum(std::span<double> values) override { bootstrap_->allreduce_sum(values); }
    void broadcast(std::span<std::byte> bytes, int root) override {
        bootstrap_->broadcast(bytes, root);
    }
    void barrier() override { bootstrap_->barrier(); }
    [[noreturn]] void abort(int status) override {
        if (comm_) ncclCommAbort(comm_);
        bootstrap_->abort(status);
        std::_Exit(status);  // bootstrap_->abort does not return; said again for the compiler
    }

private:
    void check(ncclResult_t code, const char* call) {
        if (code == ncclSuccess || code == ncclInProgress) return;
        fail(call, ncclGetErrorString(code));
    }

    [[noreturn]] void fail(const char* call, const std::string& why) {
        failed_ = true;
        if (comm_) ncclCommAbort(comm_);
        throw Error("[comm] rank " + std::to_string(rank()) + ": " + call + " failed: " + why +
                    " (has another rank died?)");
    }

    // Non-blocking NCCL: an enqueued call completes in the background; its error (a dead
    // peer, a network failure) shows up here.
    void wait_for_nccl(const char* call) {
        const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s_);
        for (;;) {
            ncclResult_t state = ncclSuccess;
            ncclCommGetAsyncError(comm_, &state);
            if (state == ncclSuccess) return;
            if (state != ncclInProgress) fail(call, ncclGetErrorString(state));
            if (Clock::now() > deadline) fail(call, "timed out (ANVIL_COMM_TIMEOUT_S)");
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    }

    void wait_for_stream(const char* call) {
        const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s_);
        for (;;) {
            const cudaError_t done = cudaStreamQuery(stream_);
            if (done == cudaSuccess) return;
            if (done != cudaErrorNotReady) fail(call, cudaGetErrorString(done));
            ncclResult_t state = ncclSuccess;
            ncclCommGetAsyncError(comm_, &state);
            if (state != ncclSuccess && state != ncclInProgress)
                fail(call, ncclGetErrorString(state));
            if (Clock::now() > deadline) fail(call, "timed out (ANVIL_COMM_TIMEOUT_S)");
            std::this_thread::yield();
        }
    }

    nn::Communicator* bootstrap_;
    std::shared_ptr<Device> device_;
    double timeout_s_;
    int gpu_ = 0;
    cudaStream_t stream_ = nullptr;
    ncclComm_t comm_ = nullptr;
    float* fused_ = nullptr;
    std::size_t capacity_ = 0;
    bool failed_ = false;
};

}  // namespace
}  // namespace anvil::comm

ANVIL_DEFINE_COMMUNICATOR(new anvil::comm::NcclCommunicator(opts))
