// anvil-bench-allreduce: the time of one fused sum-allreduce of `size` bytes of f32 tensors
// through a communicator (mpi under mpirun, else local), as anvil-siren's step does it: host
// staging of cpu tensors included. Run by scripts/bench-distributed.py:
//   mpirun -np 2 anvil-bench-allreduce [--sizes 4096,65536,...] [--reps 50] [--json FILE]
// Prints per size: median and min milliseconds, and the ring algorithm's bus bandwidth
// 2 (N - 1) / N * bytes / time (what NCCL's tests call busbw).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <vector>

#include "anvil/anvil.h"
#include "anvil/nn/communicator.h"

int main(int argc, char** argv) {
    CLI::App app{"anvil-bench-allreduce: one fused allreduce per size, timed"};
    std::vector<std::int64_t> sizes{4096, 65536, 532436, 1048576, 4194304, 16777216};
    int reps = 50;
    std::string json_path, mode = "auto";
    app.add_option("--sizes", sizes, "payload bytes per call")->delimiter(',');
    app.add_option("--reps", reps, "timed calls per size");
    app.add_option("--json", json_path, "write the results here (rank 0)");
    app.add_option("--comm", mode, "auto (mpi under mpirun, else local), local or mpi");
    CLI11_PARSE(app, argc, argv);
    try {
        if (mode == "auto") mode = std::getenv("OMPI_COMM_WORLD_SIZE") ? "mpi" : "local";
        auto comm = anvil::nn::open_communicator(mode);
        auto cpu = anvil::device("cpu");
        nlohmann::json results = nlohmann::json::array();
        for (std::int64_t bytes : sizes) {
            // Two tensors, as gradients are several: the communicator fuses them into one call.
            const std::int64_t n = std::max<std::int64_t>(2, bytes / 4);
            anvil::Tensor a = anvil::Tensor::full(anvil::Shape{n / 2}, anvil::DType::f32, cpu, 1.0);
            anvil::Tensor b = anvil::Tensor::full(anvil::Shape{n - n / 2}, anvil::DType::f32, cpu, 1.0);
            anvil::Tensor* list[] = {&a, &b};
            std::vector<double> ms;
            for (int r = -3; r < reps; ++r) {  // three warm-up calls
                comm->barrier();
                const auto start = std::chrono::steady_clock::now();
                comm->allreduce_sum(list);
                const double t = std::chrono::duration<double, std::milli>(
                                     std::chrono::steady_clock::now() - start).count();
                if (r >= 0) ms.push_back(t);
            }
            // The slowest rank decides: the max over ranks of each rank's median.
            std::sort(ms.begin(), ms.end());
            std::vector<double> stats{ms[ms.size() / 2], ms.front()};
            std::vector<double> all(static_cast<std::size_t>(comm->size()) * 2, 0.0);
            all[static_cast<std::size_t>(comm->rank()) * 2] = stats[0];
            all[static_cast<std::size_t>(comm->rank()) * 2 + 1] = stats[1];
            comm->allreduce_sum(all);
            double median = 0, best = 0;
            for (int r = 0; r < comm->size(); ++r) {
                median = std::max(median, all[static_cast<std::size_t>(r) * 2]);
                best = std::max(best, all[static_cast<std::size_t>(r) * 2 + 1]);
            }
            const double ranks = comm->size();
            const double busbw = 2.0 * (ranks - 1) / ranks * static_cast<double>(n * 4) / (median * 1e-3) / 1e9;
            if (comm->rank() == 0) {
                std::printf("%10lld bytes  %2d ranks (%s)  median %8.3f ms  min %8.3f ms  busbw %6.2f GB/s\n",
                            static_cast<long long>(n * 4), comm->size(), comm->name().c_str(),
                            median, best, busbw);
                results.push_back({{"bytes", n * 4}, {"ranks", comm->size()},
                                   {"comm", comm->name()}, {"median_ms", median},
                                   {"min_ms", best}, {"busbw_gbs", busbw}});
            }
        }
        if (comm->rank() == 0 && !json_path.empty()) std::ofstream(json_path) << results.dump(1) << "\n";
    } catch (const std::exception& e) {
        std::fprintf(stderr, "anvil-bench-allreduce: error: %s\n", e.what());
        return 1;
    }
    return 0;
}
