// Communicator: what data-parallel training needs from a group of processes (rank, size,
// in-place sum-allreduce of tensors as one fused buffer, broadcast, barrier, abort). The
// single-process one is built in; MPI and NCCL are plugins (libanvil-comm-<name>.so in
// <libdir>/anvil/comm/) so that a build or a user without them runs unchanged.
// docs/architecture.md ("Communicators") says why it lives in nn; docs/distributed.md how to run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "anvil/export.h"
#include "anvil/tensor.h"

namespace anvil::nn {

// Time and bytes spent in collectives since the communicator was opened (or reset_stats).
struct CommStats {
    std::int64_t allreduce_calls = 0;
    std::int64_t allreduce_bytes = 0;  // payload per rank, summed over calls
    double allreduce_seconds = 0.0;    // wall time inside allreduce (packing included)
};

class ANVIL_EXPORT Communicator {
public:
    virtual ~Communicator();
    Communicator() = default;
    Communicator(const Communicator&) = delete;
    Communicator& operator=(const Communicator&) = delete;

    virtual std::string name() const = 0;  // "local", "mpi", "nccl"
    virtual int rank() const = 0;
    virtual int size() const = 0;
    // Ranks on this host and this rank's index among them (one rank per GPU uses it).
    virtual int local_rank() const { return rank(); }

    // Sums the tensors elementwise over all ranks, in place: every rank ends with the same
    // sums. All tensors are f32 on one device; they travel as ONE fused buffer (one collective
    // per call, as DDP's buckets), whatever their number.
    virtual void allreduce_sum(std::span<Tensor* const> tensors) = 0;
    // The same for a small host buffer of doubles (checksums, flags, error counts).
    virtual void allreduce_sum(std::span<double> values) = 0;
    // Root's bytes to every rank (each rank passes a buffer of the same size).
    virtual void broadcast(std::span<std::byte> bytes, int root) = 0;
    virtual void barrier() = 0;
    // Ends every rank of the job at once with `status` (a fatal error on one rank only).
    [[noreturn]] virtual void abort(int status) = 0;

    const CommStats& stats() const { return stats_; }
    void reset_stats() { stats_ = {}; }

    // Broadcast of a string of any length from root (length first, then the bytes).
    std::string broadcast_string(const std::string& text, int root);

protected:
    CommStats stats_;
};

// How a plugin communicator is opened.
struct CommOptions {
    // A collective that waits longer than this has lost a rank: the watchdog prints which
    // call and exits the process with status 1 (never a hang). ANVIL_COMM_TIMEOUT_S, or 120.
    double timeout_s = 120.0;
    // nccl: the device whose stream carries the collectives (a cuda device).
    std::shared_ptr<Device> device;
    // nccl: the communicator that exchanges NCCL's unique id and carries the host-side
    // collectives (mpi under mpirun, local for one rank). Must outlive the new one.
    Communicator* bootstrap = nullptr;
};

// The timeout from ANVIL_COMM_TIMEOUT_S (seconds, > 0), else 120. Throws "[comm] ..." for a
// value that is not a positive number.
ANVIL_EXPORT double comm_timeout_from_env();

// One process: rank 0 of 1; allreduce and broadcast leave the data as it is.
ANVIL_EXPORT std::unique_ptr<Communicator> make_local_communicator();

// "local" (built in), or a plugin: "mpi" -> libanvil-comm-mpi.so, "nccl" -> libanvil-comm-nccl.so,
// searched in ANVIL_COMM_PLUGIN_PATH (colon-separated) then anvil/comm/ next to libanvil_nn.so.
// Throws "[comm] ..." naming the file and dlopen's reason when it is missing or broken, or the
// plugin's own reason when it cannot start (no GPU, MPI_Init failed).
ANVIL_EXPORT std::unique_ptr<Communicator> open_communicator(const std::string& name,
                                                             const CommOptions& options = {});

// The directories open_communicator searches, in order (for messages and anvil-info).
ANVIL_EXPORT std::vector<std::string> communicator_plugin_dirs();

}  // namespace anvil::nn
