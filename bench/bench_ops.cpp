// anvil-bench-ops: each op at SIREN-sized shapes on every available backend (Google
// Benchmark), named "op/backend/shape": GEMM GFLOP/s at the three GEMM shapes of a SIREN
// layer (on cpu also of_peak, the fraction of anvil-bench-peak's rate), unary and binary
// G elements/s, reductions, Adam, the composite ops (fused override and the core's
// primitive-built default side by side), and the whole training step.
//   anvil-bench-ops [--backend cpu,cuda] [Google Benchmark flags, e.g. --benchmark_filter=gemm]
#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstring>
#include <functional>
#include <string>

#include "bench_support.h"
#include "peak_flops.h"
#include "siren_step.h"

namespace {

using anvil::Shape;
using anvil::Tensor;
using anvil::bench::random_tensor;
using DevicePtr = std::shared_ptr<anvil::Device>;

constexpr std::int64_t kRows = 65536;  // 256 x 256 pixels, full batch
constexpr std::int64_t kWidth = 256;

// Runs `body` per iteration, synchronising the device so asynchronous backends are timed
// to completion; `flops` and `items` per iteration become GFLOP/s and items/s.
void time_loop(benchmark::State& state, const DevicePtr& device, double flops, double items,
               const std::function<void()>& body) {
    body();  // warm-up: first-touch page faults, workspaces, lazy library init
    device->synchronize();
    for (auto _ : state) {
        body();
        device->synchronize();
    }
    if (flops > 0) state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    if (items > 0) state.SetItemsProcessed(static_cast<std::int64_t>(items) * state.iterations());
}

// The measured FP32 peak (FMA chains, peak_flops.h) at the ISA of the cpu variant the loader
// chose, on as many threads as the backend uses; measured once.
double cpu_peak_gflops() {
    static const double peak = anvil::bench::peak_gflops(anvil::bench::variant_isa(), omp_get_max_threads());
    return peak;
}

// c = op(a) op(b) for a SIREN layer's forward (x W^T), weight gradient (g^T x) and input
// gradient (g W).
void register_gemm(const std::string& backend, const DevicePtr& device) {
    struct Case {
        const char* name;
        bool ta, tb;
        Shape a, b, c;
    };
    const Case cases[] = {
        {"fwd_xWt_65536x256x256", false, true, {kRows, kWidth}, {kWidth, kWidth}, {kRows, kWidth}},
        {"bwd_gtx_256x65536x256", true, false, {kRows, kWidth}, {kRows, kWidth}, {kWidth, kWidth}},
        {"bwd_gW_65536x256x256", false, false, {kRows, kWidth}, {kWidth, kWidth}, {kRows, kWidth}},
    };
    for (const Case& c : cases) {
        benchmark::RegisterBenchmark(("gemm/" + backend + "/" + c.name).c_str(), [=](benchmark::State& state) {
            const Tensor a = random_tensor(c.a, device, 1), b = random_tensor(c.b, device, 2);
            Tensor out = random_tensor(c.c, device, 3);
            const double k = static_cast<double>(c.ta ? c.a[0] : c.a[1]);
            const double flops = 2.0 * static_cast<double>(c.c.numel()) * k;
            time_loop(state, device, flops, 0, [&] { anvil::gemm(c.ta, c.tb, 1.0, a, b, 0.0, out); });
            if (backend == "cpu")  // GFLOP/s over this CPU's peak at the chosen variant's ISA
                state.counters["of_peak"] = benchmark::Counter(
                    flops * 1e-9 * static_cast<double>(state.iterations()) / cpu_peak_gflops(), benchmark::Counter::kIsRate);
        })->UseRealTime()->Unit(benchmark::kMillisecond);
    }
}

void register_elementwise(const std::string& backend, const DevicePtr& device) {
    const Shape big{kRows, kWidth};
    const double n = static_cast<double>(big.numel());
    for (anvil::UnaryOp op : {anvil::UnaryOp::sin, anvil::UnaryOp::cos, anvil::UnaryOp::exp,
                              anvil::UnaryOp::tanh}) {
        benchmark::RegisterBenchmark(
            (std::string(anvil::op_name(op)) + "/" + backend + "/65536x256").c_str(),
            [=](benchmark::State& state) {
                const Tensor x = random_tensor(big, device, 4, -100.0, 100.0);
                Tensor y = Tensor::empty(big, anvil::DType::f32, device);
                time_loop(state, device, 0, n, [&] { anvil::unary_into(op, x, y); });
            })->UseRealTime()->Unit(benchmark::kMillisecond);
    }
    struct AddCase {
        const char* name;
        const char* shapes;
        Shape b_shape;
    };
    const AddCase adds[] = {{"add_same", "65536x256+65536x256", big},
                            {"add_row_broadcast", "65536x256+256", Shape{kWidth}}};
    for (const AddCase& add : adds) {
        const Shape b_shape = add.b_shape;
        benchmark::RegisterBenchmark((std::string(add.name) + "/" + backend + "/" + add.shapes).c_str(),
            [=](benchmark::State& state) {
                const Tensor a = random_tensor(big, device, 5), b = random_tensor(b_shape, device, 6);
                Tensor y = Tensor::empty(big, anvil::DType::f32, device);
                time_loop(state, device, 0, n, [&] { anvil::binary_into(anvil::BinaryOp::add, a, b, y); });
            })->UseRealTime()->Unit(benchmark::kMillisecond);
    }
}

void register_reductions(const std::string& backend, const DevicePtr& device) {
    const Shape big{kRows, kWidth};
    const double n = static_cast<double>(big.numel());
    struct Case {
        const char* name;
        anvil::ReduceOp op;
        std::optional<int> axis;
    };
    const Case cases[] = {{"sum_all", anvil::ReduceOp::sum, std::nullopt},
                          {"sum_axis0", anvil::ReduceOp::sum, 0},
                          {"max_axis1", anvil::ReduceOp::max, 1}};
    for (const Case& c : cases) {
        benchmark::RegisterBenchmark((std::string(c.name) + "/" + backend + "/65536x256").c_str(),
            [=](benchmark::State& state) {
                const Tensor x = random_tensor(big, device, 7);
                time_loop(state, device, 0, n, [&] { benchmark::DoNotOptimize(anvil::reduce(c.op, x, c.axis)); });
            })->UseRealTime()->Unit(benchmark::kMillisecond);
    }
    benchmark::RegisterBenchmark(("argmax_axis1/" + backend + "/65536x256").c_str(), [=](benchmark::State& state) {
        const Tensor x = random_tensor(big, device, 8);
        time_loop(state, device, 0, n, [&] { benchmark::DoNotOptimize(anvil::argmax(x, 1)); });
    })->UseRealTime()->Unit(benchmark::kMillisecond);
}

// Adam over `sizes` parameter tensors (each with gradient and moments).
void register_adam(const std::string& backend, const DevicePtr& device, const char* name,
                   std::vector<Shape> shapes) {
    benchmark::RegisterBenchmark(("adam_update/" + backend + "/" + name).c_str(), [=](benchmark::State& state) {
        std::vector<Tensor> p, g, m, v;
        double total = 0;
        for (std::size_t i = 0; i < shapes.size(); ++i) {
            const auto seed = static_cast<std::uint32_t>(10 + 4 * i);
            p.push_back(random_tensor(shapes[i], device, seed));
            g.push_back(random_tensor(shapes[i], device, seed + 1));
            m.push_back(Tensor::zeros(shapes[i], anvil::DType::f32, device));
            v.push_back(Tensor::zeros(shapes[i], anvil::DType::f32, device));
            total += static_cast<double>(shapes[i].numel());
        }
        std::vector<anvil::AdamSlot> slots;
        for (std::size_t i = 0; i < shapes.size(); ++i) slots.push_back({&p[i], &g[i], &m[i], &v[i]});
        anvil::AdamParams params;
        time_loop(state, device, 0, total, [&] {
            ++params.step;
            anvil::adam_update(slots, params);
        });
    })->UseRealTime()->Unit(benchmark::kMicrosecond);
}

// A SIREN hidden layer (65536 x 256 -> 256, sine, omega 30) through the public op (the
// backend's override) and through the core default built from primitives.
void register_composites(const std::string& backend, const DevicePtr& device) {
    const Shape x_shape{kRows, kWidth}, w_shape{kWidth, kWidth};
    const double flops_fwd = 2.0 * kRows * kWidth * kWidth;
    for (bool fused : {true, false}) {
        const std::string variant = fused ? "" : "_core_default";
        benchmark::RegisterBenchmark(("linear_act_forward" + variant + "/" + backend + "/sine_65536x256x256").c_str(),
            [=](benchmark::State& state) {
                const Tensor x = random_tensor(x_shape, device, 20), w = random_tensor(w_shape, device, 21, -0.01, 0.01);
                const Tensor b = random_tensor(Shape{kWidth}, device, 22);
                Tensor y = Tensor::empty(x_shape, anvil::DType::f32, device), d = y.clone();
                time_loop(state, device, flops_fwd, 0, [&] {
                    if (fused) anvil::linear_act_forward(anvil::Activation::sine, 30.0, x, w, &b, y, &d);
                    else device->Device::linear_act_forward(anvil::Activation::sine, 30.0, x, w, &b, y, &d);
                });
            })->UseRealTime()->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("linear_act_backward" + variant + "/" + backend + "/65536x256x256").c_str(),
            [=](benchmark::State& state) {
                const Tensor x = random_tensor(x_shape, device, 23), w = random_tensor(w_shape, device, 24);
                const Tensor dy = random_tensor(x_shape, device, 25), dact = random_tensor(x_shape, device, 26);
                Tensor dx = Tensor::empty(x_shape, anvil::DType::f32, device);
                Tensor dw = Tensor::empty(w_shape, anvil::DType::f32, device);
                Tensor db = Tensor::empty(Shape{kWidth}, anvil::DType::f32, device);
                time_loop(state, device, 2 * flops_fwd, 0, [&] {
                    if (fused) anvil::linear_act_backward(x, w, dy, &dact, &dx, dw, &db);
                    else device->Device::linear_act_backward(x, w, dy, &dact, &dx, dw, &db);
                });
            })->UseRealTime()->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("mse_loss_grad" + variant + "/" + backend + "/65536").c_str(),
            [=](benchmark::State& state) {
                const Tensor pred = random_tensor(Shape{kRows, 1}, device, 27), target = random_tensor(Shape{kRows, 1}, device, 28);
                Tensor loss = Tensor::empty(Shape{}, anvil::DType::f32, device), grad = pred.clone();
                time_loop(state, device, 0, kRows, [&] {
                    if (fused) anvil::mse_loss_grad(pred, target, loss, &grad);
                    else device->Device::mse_loss_grad(pred, target, loss, &grad);
                });
            })->UseRealTime()->Unit(benchmark::kMicrosecond);
    }
}

void register_step(const std::string& backend, const DevicePtr& device) {
    for (std::int64_t side : {128, 256}) {
        benchmark::RegisterBenchmark(("siren_step/" + backend + "/" + std::to_string(side) + "x" + std::to_string(side)).c_str(),
            [=](benchmark::State& state) {
                anvil::bench::SirenStep model(device, side);
                time_loop(state, device, model.gemm_flops(), 0, [&] { model.step(); });
            })->UseRealTime()->Unit(benchmark::kMillisecond);
    }
}

}  // namespace

int main(int argc, char** argv) {
    // Our one flag, --backend a,b (or --backend=a,b), is taken out before Google Benchmark
    // parses the rest.
    std::string only;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--backend=", 10) == 0) {
            only = argv[i] + 10;
        } else if (std::strcmp(argv[i], "--backend") == 0) {
            if (i + 1 == argc) {
                std::fprintf(stderr, "anvil-bench-ops: --backend needs a value (e.g. cpu,cuda)\n");
                return 1;
            }
            only = argv[++i];
        } else {
            argv[kept++] = argv[i];
        }
    }
    argc = kept;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    try {
        for (const std::string& backend : anvil::bench::available_backends(only)) {
            const DevicePtr device = anvil::device(backend);
            benchmark::AddCustomContext("device " + backend, device->description());
            register_gemm(backend, device);
            register_elementwise(backend, device);
            register_reductions(backend, device);
            // The SIREN model's 10 parameter tensors (198,657 values), and 16M values.
            register_adam(backend, device, "siren_params", {{256, 2}, {256}, {256, 256}, {256}, {256, 256}, {256},
                                                            {256, 256}, {256}, {1, 256}, {1}});
            register_adam(backend, device, "16M", {{kRows, kWidth}});
            register_composites(backend, device);
            register_step(backend, device);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "anvil-bench-ops: %s\n", e.what());
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
