// libanvil-comm-mpi.so: the Communicator over MPI. Tensors travel through one fused host
// buffer (HostStagedCommunicator) in a single MPI_Allreduce per call. Errors come back as
// return codes (MPI_ERRORS_RETURN) and become "[comm] ..." exceptions; a collective stuck on a
// dead or hung rank is ended by the watchdog after ANVIL_COMM_TIMEOUT_S.
#include <mpi.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "anvil/error.h"
#include "anvil/nn/comm_plugin.h"

namespace anvil::comm {
namespace {

// The rank before MPI knows it, for the watchdog's message around MPI_Init (Open MPI's
// launcher sets it; other launchers' names are tried too).
int launcher_rank() {
    for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"})
        if (const char* value = std::getenv(name)) return std::atoi(value);
    return 0;
}

class MpiCommunicator final : public nn::HostStagedCommunicator {
public:
    explicit MpiCommunicator(const nn::CommOptions& options)
        : watchdog_(launcher_rank(), options.timeout_s) {
        int initialized = 0;
        MPI_Initialized(&initialized);
        if (!initialized) {
            nn::CommWatch watch(watchdog_, "MPI_Init");
            int provided = 0;
            // FUNNELED: only the thread that trains calls MPI (the watchdog never does).
            if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
                throw Error("[comm] MPI_Init_thread failed");
            owns_mpi_ = true;
        }
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        check(MPI_Comm_dup(MPI_COMM_WORLD, &comm_), "MPI_Comm_dup");
        MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
        check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
        check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
        MPI_Comm node = MPI_COMM_NULL;
        {
            nn::CommWatch watch(watchdog_, "MPI_Comm_split_type");
            check(MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node),
                  "MPI_Comm_split_type");
        }
        check(MPI_Comm_rank(node, &local_rank_), "MPI_Comm_rank");
        MPI_Comm_free(&node);
    }

    ~MpiCommunicator() override {
        // After a failed collective the other ranks may be gone: finalizing could wait for
        // them, so the process leaves without it and the launcher ends the job.
        if (failed_ || !owns_mpi_) return;
        MPI_Comm_free(&comm_);
        MPI_Finalize();
    }

    std::string name() const override { return "mpi"; }
    int rank() const override { return rank_; }
    int size() const override { return size_; }
    int local_rank() const override { return local_rank_; }

    void allreduce_sum(std::span<double> values) override {
        nn::CommWatch watch(watchdog_, "MPI_Allreduce");
        check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()),
                            MPI_DOUBLE, MPI_SUM, comm_),
              "MPI_Allreduce");
    }
    using HostStagedCommunicator::allreduce_sum;

    void broadcast(std::span<std::byte> bytes, int root) override {
        nn::CommWatch watch(watchdog_, "MPI_Bcast");
        check(MPI_Bcast(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, root, comm_),
              "MPI_Bcast");
    }

    void barrier() override {
        nn::CommWatch watch(watchdog_, "MPI_Barrier");
        check(MPI_Barrier(comm_), "MPI_Barrier");
    }

    [[noreturn]] void abort(int status) override {
        MPI_Abort(MPI_COMM_WORLD, status);
        std::_Exit(status);
    }

protected:
    void allreduce_floats(float* data, std::size_t n) override {
        // One call for the whole fused buffer; MPI counts are int, so a buffer past 2^31
        // elements goes in slices (not reached by any SIREN, but never silently truncated).
        nn::CommWatch watch(watchdog_, "MPI_Allreduce");
        constexpr std::size_t kMaxCount = 1u << 30;
        for (std::size_t first = 0; first < n; first += kMaxCount) {
            const std::size_t count = n - first < kMaxCount ? n - first : kMaxCount;
            check(MPI_Allreduce(MPI_IN_PLACE, data + first, static_cast<int>(count), MPI_FLOAT,
                                MPI_SUM, comm_),
                  "MPI_Allreduce");
        }
    }

private:
    void check(int code, const char* call) {
        if (code == MPI_SUCCESS) return;
        failed_ = true;
        char text[MPI_MAX_ERROR_STRING] = {};
        int length = 0;
        MPI_Error_string(code, text, &length);
        throw Error("[comm] rank " + std::to_string(rank_) + ": " + call + " failed: " +
                    std::string(text, static_cast<std::size_t>(length)) +
                    " (has another rank died?)");
    }

    nn::CommWatchdog watchdog_;
    MPI_Comm comm_ = MPI_COMM_NULL;
    int rank_ = 0;
    int size_ = 1;
    int local_rank_ = 0;
    bool owns_mpi_ = false;
    bool failed_ = false;
};

}  // namespace
}  // namespace anvil::comm

ANVIL_DEFINE_COMMUNICATOR(new anvil::comm::MpiCommunicator(opts))
