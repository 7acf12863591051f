// anvil-siren across processes (see distributed.h): the communicator choice, shards, batch
// shares and seeds, and the agreement checks between ranks.
#include "distributed.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "anvil/error.h"

namespace anvil::siren {

std::string resolve_distributed(const std::string& mode) {
    if (mode != "auto") return mode;
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
        if (std::getenv(name)) return "mpi";
    return "none";
}

Distribution open_distribution(const std::string& mode) {
    const std::string resolved = resolve_distributed(mode);
    Distribution d;
    nn::CommOptions options;
    options.timeout_s = nn::comm_timeout_from_env();
    if (resolved == "none") {
        d.comm = nn::make_local_communicator();
    } else if (resolved == "mpi") {
        d.comm = nn::open_communicator("mpi", options);
    } else {
        // nccl: the mpi bootstrap first (the ranks and NCCL's unique id), the NCCL
        // communicator once the device is open; one process alone needs no MPI.
        d.bootstrap = resolve_distributed("auto") == "mpi" ? nn::open_communicator("mpi", options)
                                                           : nn::make_local_communicator();
    }
    return d;
}

void open_nccl_communicator(Distribution& d, const std::shared_ptr<Device>& device) {
    nn::CommOptions options;
    options.timeout_s = nn::comm_timeout_from_env();
    options.device = device;
    options.bootstrap = d.bootstrap.get();
    d.comm = nn::open_communicator("nccl", options);
}

Shard shard_for(int width, int height, int rank, int size) {
    Shard s;
    s.row_begin = static_cast<int>(std::int64_t{height} * rank / size);
    s.row_end = static_cast<int>(std::int64_t{height} * (rank + 1) / size);
    s.pixels = std::int64_t{width} * (s.row_end - s.row_begin);
    s.weight = static_cast<double>(s.pixels) / (static_cast<double>(width) * height);
    return s;
}

std::int64_t batch_share(std::int64_t batch, int width, int height, int rank, int size) {
    const std::int64_t pixels = std::int64_t{width} * height;
    std::int64_t assigned = 0, mine = 0;
    std::vector<std::int64_t> shares(static_cast<std::size_t>(size));
    for (int r = 0; r < size; ++r) {
        // batch * pixels_r / pixels without overflow for any image anvil-siren accepts.
        const auto share = static_cast<std::int64_t>(
            static_cast<long double>(batch) * shard_for(width, height, r, size).pixels / pixels);
        shares[static_cast<std::size_t>(r)] = share;
        assigned += share;
    }
    for (std::int64_t left = batch - assigned, r = 0; left > 0; --left, ++r)
        ++shares[static_cast<std::size_t>(r % size)];
    mine = shares[static_cast<std::size_t>(rank)];
    for (int r = 0; r < size; ++r)
        if (shares[static_cast<std::size_t>(r)] < 1 || shard_for(width, height, r, size).pixels < 1)
            throw UsageError("--batch " + std::to_string(batch) + " on " + std::to_string(size) +
                             " ranks of a " + std::to_string(height) +
                             "-row image leaves rank " + std::to_string(r) +
                             " without pixels; use a larger --batch or fewer ranks");
    return mine;
}

std::uint64_t batch_seed(std::uint64_t seed, int rank, int size, std::int64_t start_step) {
    constexpr std::uint64_t kBatchStream = 0x9E3779B97F4A7C15ull;  // as trainer.cpp's
    if (size == 1) return seed ^ kBatchStream;
    // splitmix64 finaliser over (seed, size, rank, start step): distinct streams per rank.
    std::uint64_t z = seed ^ kBatchStream;
    for (std::uint64_t v : {static_cast<std::uint64_t>(size), static_cast<std::uint64_t>(rank),
                            static_cast<std::uint64_t>(start_step)}) {
        z += 0x9E3779B97F4A7C15ull + v;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
    }
    return z;
}

std::vector<std::pair<std::string, std::string>> configuration_of(const Options& o) {
    auto number = [](double v) {
        char text[40];
        std::snprintf(text, sizeof text, "%.17g", v);
        return std::string(text);
    };
    auto optional_number = [&](const std::optional<double>& v) {
        return v ? number(*v) : std::string("(default)");
    };
    return {
        {"--distributed", o.distributed},
        {"--backend", o.backend},
        {"--image", o.image},
        {"--train-size", o.train_size ? o.train_size->to_string()
                                       : (o.train_size_full ? "full" : "(default)")},
        {"--resume", o.resume},
        {"--hidden", std::to_string(o.hidden)},
        {"--layers", std::to_string(o.layers)},
        {"--omega0", number(o.omega0)},
        {"--first-omega0", optional_number(o.first_omega0)},
        {"--activation", o.activation},
        {"--loss", o.loss},
        {"--steps", o.was_given("--steps") ? std::to_string(o.steps) : "(default)"},
        {"--lr", optional_number(o.lr)},
        {"--schedule", o.was_given("--schedule") ? o.schedule : "(default)"},
        {"--optimizer", o.was_given("--optimizer") ? o.optimizer : "(default)"},
        {"--batch", o.was_given("--batch") ? (o.batch > 0 ? std::to_string(o.batch) : "full")
                                           : "(default)"},
        {"--seed", o.was_given("--seed") ? std::to_string(o.seed) : "(default)"},
        {"--snapshot-every", o.snapshot_every ? std::to_string(*o.snapshot_every) : "(default)"},
    };
}

namespace {

std::string serialize(const std::vector<std::pair<std::string, std::string>>& config) {
    std::string text;
    for (const auto& [flag, value] : config) text += flag + '\t' + value + '\n';
    return text;
}

// The ranks whose flag is set, as "1, 3".
std::string rank_list(const std::vector<double>& flags) {
    std::string out;
    for (std::size_t r = 0; r < flags.size(); ++r)
        if (flags[r] != 0.0) out += (out.empty() ? "" : ", ") + std::to_string(r);
    return out;
}

}  // namespace

void check_same_configuration(nn::Communicator& comm,
                              const std::vector<std::pair<std::string, std::string>>& config) {
    if (comm.size() == 1) return;
    const std::string mine = serialize(config);
    const std::string root = comm.broadcast_string(mine, 0);
    std::string problem;
    if (root != mine) {
        std::istringstream theirs(root);
        std::string line;
        for (const auto& [flag, value] : config) {
            std::string root_value;
            if (!std::getline(theirs, line) || line.substr(0, line.find('\t')) != flag) {
                problem = "rank 0 runs another anvil-siren version (its flags differ in kind)";
                break;
            }
            root_value = line.substr(line.find('\t') + 1);
            if (root_value != value) {
                problem = flag + " is '" + value + "' here but '" + root_value + "' on rank 0";
                break;
            }
        }
        if (problem.empty()) problem = "rank 0 runs another anvil-siren version";
    }
    std::vector<double> differs(static_cast<std::size_t>(comm.size()), 0.0);
    differs[static_cast<std::size_t>(comm.rank())] = problem.empty() ? 0.0 : 1.0;
    comm.allreduce_sum(differs);
    const std::string ranks = rank_list(differs);
    if (!problem.empty())
        throw UsageError("rank " + std::to_string(comm.rank()) + ": " + problem +
                         "; start every rank with the same flags");
    if (ranks.empty()) return;
    if (comm.rank() == 0)
        throw UsageError("rank(s) " + ranks + " were started with other flags than rank 0 (" +
                         "their messages name the flag); start every rank with the same flags");
    throw QuietExit{0};
}

void agree_on_setup(nn::Communicator& comm, std::exception_ptr failure) {
    int status = 0;
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const UsageError&) {
            status = 2;
        } catch (...) {
            status = 1;
        }
    }
    if (comm.size() > 1) {
        // [ranks that failed, ranks whose command line was wrong]
        double counts[2] = {status != 0 ? 1.0 : 0.0, status == 2 ? 1.0 : 0.0};
        comm.allreduce_sum(std::span<double>(counts, 2));
        if (failure) std::rethrow_exception(failure);
        if (counts[0] > 0) {
            const int their_status = counts[1] > 0 ? 2 : 1;
            if (comm.rank() == 0)
                std::fprintf(stderr,
                             "anvil-siren: error: %g other rank(s) failed to start (their "
                             "messages say why); stopping\n",
                             counts[0]);
            throw QuietExit{comm.rank() == 0 ? their_status : 0};
        }
    }
    if (failure) std::rethrow_exception(failure);
}

std::uint64_t fnv1a(const void* data, std::size_t bytes, std::uint64_t hash) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < bytes; ++i) {
        hash ^= p[i];
        hash *= 1099511628211ull;
    }
    return hash;
}

std::uint64_t parameter_checksum(const nn::Mlp& model) {
    std::uint64_t hash = 1469598103934665603ull;
    for (const auto& [name, tensor] : model.named_parameters()) {
        const std::vector<float> values = tensor->to_vector<float>();
        hash = fnv1a(values.data(), values.size() * sizeof(float), hash);
    }
    return hash;
}

void check_ranks_agree(nn::Communicator& comm, std::uint64_t value, const std::string& what,
                       std::int64_t step) {
    if (comm.size() == 1) return;
    std::uint64_t root_value = value;
    comm.broadcast(std::as_writable_bytes(std::span(&root_value, 1)), 0);
    std::vector<double> differs(static_cast<std::size_t>(comm.size()), 0.0);
    differs[static_cast<std::size_t>(comm.rank())] = root_value != value ? 1.0 : 0.0;
    comm.allreduce_sum(differs);
    const std::string ranks = rank_list(differs);
    if (ranks.empty()) return;
    if (comm.rank() != 0) throw QuietExit{0};
    throw Error("[distributed] " + what + " differs between rank 0 and rank(s) " + ranks +
                " at step " + std::to_string(step) +
                "; the ranks no longer train the same model, stopping");
}

}  // namespace anvil::siren
