// anvil-bench-siren: times the end-to-end SIREN training step (siren_step.h) per backend and
// size, and in the same run the step's GEMMs alone, interleaved rep by rep so machine load
// hits both alike. Reports median ms/step, effective GFLOP/s, step/GEMM, CPU time (busy
// cores = CPU time / wall time), load average and peak RSS (plus, on a GPU, the device memory
// in use), as a table and optionally as JSON (scripts/bench-pytorch.py reads it for the
// side-by-side).
#include <CLI/CLI.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bench_support.h"
#include "siren_step.h"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Process CPU time (all threads, user + system) in seconds.
double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

struct Timing {
    double wall = 0, cpu = 0;
};

template <typename F> Timing measure(F&& f) {
    const auto start = Clock::now();
    const double cpu_start = cpu_seconds();
    f();
    return {std::chrono::duration<double>(Clock::now() - start).count(), cpu_seconds() - cpu_start};
}

// The 1-minute load average: other processes competing for the cores skew wall times.
double load_average() {
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : -1.0;
}

struct Result {
    std::string backend, device;
    std::int64_t side = 0;
    int layers = 0;
    std::vector<double> step_s, gemm_s, step_cpu_s, gemm_cpu_s;
    double load_before = 0, load_after = 0;
    double gflop = 0, first_loss = 0, last_loss = 0;
    std::size_t peak_rss = 0;
    bool rss_per_size = false;
    // total - free of the device's memory_info() after the timed steps: for cuda the GPU's
    // memory in use (cudaMemGetInfo: the context and the memory pool count); for the host
    // backends the whole machine's used RAM, so only peak RSS speaks for them.
    std::size_t device_memory_in_use = 0;
};

Result run(const std::string& backend, std::int64_t side, int layers, int warmup, int reps) {
    Result r;
    r.backend = backend;
    r.side = side;
    r.layers = layers;
    r.rss_per_size = anvil::bench::reset_peak_rss();
    auto device = anvil::device(backend);
    r.device = device->description();
    anvil::bench::SirenStep model(device, side, anvil::bench::SirenStep::widths_for(layers));
    r.gflop = model.gemm_flops() * 1e-9;
    for (int i = 0; i < warmup; ++i) {
        model.step();
        if (i == 0) r.first_loss = model.loss();
        model.gemms_only();
    }
    r.load_before = load_average();
    for (int i = 0; i < reps; ++i) {
        const Timing step = measure([&] { model.step(); });
        const Timing gemm = measure([&] { model.gemms_only(); });
        r.step_s.push_back(step.wall);
        r.step_cpu_s.push_back(step.cpu);
        r.gemm_s.push_back(gemm.wall);
        r.gemm_cpu_s.push_back(gemm.cpu);
    }
    r.load_after = load_average();
    r.last_loss = model.loss();
    r.peak_rss = anvil::bench::peak_rss_bytes();
    const anvil::MemoryInfo memory = device->memory_info();
    r.device_memory_in_use = memory.total_bytes - memory.free_bytes;
    return r;
}

nlohmann::json to_json(const Result& r) {
    const double step = median(r.step_s), gemm = median(r.gemm_s);
    return {{"backend", r.backend},
            {"sine_layers", r.layers},
            {"device", r.device},
            {"size", std::to_string(r.side) + "x" + std::to_string(r.side)},
            {"pixels", r.side * r.side},
            {"step_ms_median", step * 1e3},
            {"step_ms_min", *std::min_element(r.step_s.begin(), r.step_s.end()) * 1e3},
            {"step_ms_all", r.step_s},
            {"gemm_ms_median", gemm * 1e3},
            {"step_over_gemm", step / gemm},
            {"step_cpu_ms_median", median(r.step_cpu_s) * 1e3},
            {"gemm_cpu_ms_median", median(r.gemm_cpu_s) * 1e3},
            {"busy_cores_step", median(r.step_cpu_s) / step},
            {"load_average_1min", {r.load_before, r.load_after}},
            {"gflop_per_step", r.gflop},
            {"effective_gflops", r.gflop / step},
            {"gemm_gflops", r.gflop / gemm},
            {"loss_first", r.first_loss},
            {"loss_last", r.last_loss},
            {"peak_rss_bytes", r.peak_rss},
            {"peak_rss_per_size", r.rss_per_size},
            {"device_memory_in_use_bytes", r.device_memory_in_use}};
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"anvil-bench-siren: SIREN training step (2 -> L x 256 sine -> 1, full batch, Adam)"};
    std::string backends = "cpu";
    std::vector<std::int64_t> sizes{128, 256};
    int warmup = 2, reps = 7, layers = 4;
    std::string json_path;
    app.add_option("--backend", backends, "backends to run, comma-separated")->capture_default_str();
    app.add_option("--sizes", sizes, "image sides (pixels = side^2)")->delimiter(',')->capture_default_str();
    app.add_option("--layers", layers, "sine layers of width 256 (anvil-siren --layers)")
        ->check(CLI::PositiveNumber)->capture_default_str();
    app.add_option("--warmup", warmup, "untimed steps first")->check(CLI::NonNegativeNumber)->capture_default_str();
    app.add_option("--reps", reps, "timed steps (the median is reported)")->check(CLI::PositiveNumber)->capture_default_str();
    app.add_option("--json", json_path, "also write the results as JSON to this file");
    CLI11_PARSE(app, argc, argv);

    try {
        nlohmann::json all = nlohmann::json::array();
        std::printf("%-8s %-9s %9s %9s %8s %9s %9s %9s %9s %9s %6s %10s\n", "backend", "size", "step ms",
                    "min ms", "GFLOP/s", "GEMM ms", "GEMM GF/s", "step/GEMM", "CPU ms", "GEMM CPU", "cores", "peak RSS");
        for (const std::string& backend : anvil::bench::available_backends(backends)) {
            for (std::int64_t side : sizes) {
                const Result r = run(backend, side, layers, warmup, reps);
                const nlohmann::json j = to_json(r);
                all.push_back(j);
                std::printf("%-8s %-9s %9.1f %9.1f %8.1f %9.1f %9.1f %9.3f %9.1f %9.1f %6.2f %10s\n",
                            backend.c_str(), j["size"].get<std::string>().c_str(),
                            j["step_ms_median"].get<double>(), j["step_ms_min"].get<double>(),
                            j["effective_gflops"].get<double>(), j["gemm_ms_median"].get<double>(),
                            j["gemm_gflops"].get<double>(), j["step_over_gemm"].get<double>(),
                            j["step_cpu_ms_median"].get<double>(), j["gemm_cpu_ms_median"].get<double>(),
                            j["busy_cores_step"].get<double>(),
                            anvil::format_bytes(r.peak_rss).c_str());
                std::fflush(stdout);
            }
        }
        if (!json_path.empty()) {
            std::ofstream out(json_path);
            out << all.dump(2) << "\n";
            if (!out) throw anvil::Error("[anvil-bench-siren] cannot write " + json_path);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    return 0;
}
