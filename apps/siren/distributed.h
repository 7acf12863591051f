// anvil-siren across processes (docs/distributed.md): which communicator --distributed means,
// the rows of the image each rank trains on and its share of the batch, and the checks that
// keep the ranks in step (same command line, same data, same parameters).
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "anvil/nn/nn.h"
#include "anvil/nn/communicator.h"
#include "options.h"

namespace anvil::siren {

// Thrown on the ranks that only follow a failure another rank reports (so the job prints
// each message once): main exits with `status` and prints nothing. The other ranks use 0
// while rank 0 exits with the failure's status: mpirun reports the first non-zero status
// and aborts the job at once, which must not cut rank 0 short while it reports or writes.
struct QuietExit {
    int status;
};

// The communicators of one run. nccl keeps its mpi bootstrap alive beside it.
struct Distribution {
    std::unique_ptr<nn::Communicator> bootstrap;  // nccl only: mpi (or local for one rank)
    std::unique_ptr<nn::Communicator> comm;
    nn::Communicator& operator*() const { return *comm; }
    nn::Communicator* operator->() const { return comm.get(); }
};

// "mpi" when this process was started by an MPI launcher (OMPI_COMM_WORLD_SIZE, PMI_SIZE or
// PMIX_RANK in the environment), else "none".
std::string resolve_distributed(const std::string& mode);
// Opens the communicator of `mode` (auto, none, mpi). nccl is opened later by
// open_nccl_communicator, once the device is known.
Distribution open_distribution(const std::string& mode);
// Wraps the mpi (or local) communicator in an nccl one on `device`.
void open_nccl_communicator(Distribution& distribution, const std::shared_ptr<Device>& device);

// Rows [row_begin, row_end) of a width x height image: rank r of n gets rows
// [r H / n, (r + 1) H / n), contiguous and as even as rows allow (3 ranks on 24 rows: 8 each;
// on 25: 8, 8, 9). weight = its pixels over all pixels, the factor that turns the rank's mean
// loss (and gradient) into its share of the whole image's mean.
struct Shard {
    int row_begin = 0, row_end = 0;
    std::int64_t pixels = 0;
    double weight = 1.0;
};
Shard shard_for(int width, int height, int rank, int size);
// The rank's part of a global batch of `batch` pixels, in proportion to its pixels: floor of
// the share, the remainder one each to the first ranks. Throws UsageError when a rank would get
// no pixel.
std::int64_t batch_share(std::int64_t batch, int width, int height, int rank, int size);

// The batch sampler's seed for a rank: one process keeps anvil-siren's single stream (so one
// process trains as before); n ranks get n streams mixed from seed, rank and the step they
// start at, reproducible for a given n.
std::uint64_t batch_seed(std::uint64_t seed, int rank, int size, std::int64_t start_step);

// The settings that must agree on every rank, as (flag, value) pairs: everything that changes
// what is computed (not --device, --plugin-dir, --quiet, --out or --render, which only rank 0
// uses or which differ per host by design).
std::vector<std::pair<std::string, std::string>> configuration_of(const Options& options);
// Rank 0 broadcasts its pairs; a rank whose value differs reports
//   rank 1: --lr is 0.002 here but 0.001 on rank 0; every rank must be started with the same flags
// and throws UsageError; rank 0 throws UsageError naming those ranks; the others QuietExit{0}.
void check_same_configuration(nn::Communicator& comm,
                              const std::vector<std::pair<std::string, std::string>>& config);

// After each rank prepared (or failed to): every rank learns whether any failed. The failing
// rank rethrows its own error; rank 0 throws QuietExit with the failure's status (2 when a
// rank's command line was wrong, else 1) after saying so, the others QuietExit{0}.
void agree_on_setup(nn::Communicator& comm, std::exception_ptr failure);

// 64-bit FNV-1a of bytes, for the parameter and image checks.
std::uint64_t fnv1a(const void* data, std::size_t bytes, std::uint64_t hash = 1469598103934665603ull);
// A hash of every parameter's bits, in layer order.
std::uint64_t parameter_checksum(const nn::Mlp& model);
// Compares each rank's value of `what` (a checksum) with rank 0's; throws
// "[distributed] <what> differs between ranks at step S: ..." on every rank when any differs.
void check_ranks_agree(nn::Communicator& comm, std::uint64_t value, const std::string& what,
                       std::int64_t step);

}  // namespace anvil::siren
