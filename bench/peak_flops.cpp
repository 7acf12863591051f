// FMA-chain peak measurement (peak_flops.h). Each ISA's loop is its own function compiled for
// that ISA with a target attribute, and runs only after the CPU has been checked for it.
#include "peak_flops.h"

#include <omp.h>

#include <chrono>
#include <cstdlib>
#include <string_view>

namespace anvil::bench {
namespace {

// 12 independent chains: FMA latency (4 cycles) x 2 FMA ports needs at least 8 in flight.
// The empty asm keeps the compiler from folding or shortening the chains.
#define ANVIL_PEAK_LOOP(V)                                                                        \
    V x = V{} + 1.0000001f, y = V{} + 1e-7f;                                                      \
    V a0 = V{} + 0.f, a1 = V{} + 1.f, a2 = V{} + 2.f, a3 = V{} + 3.f, a4 = V{} + 4.f, a5 = V{} + 5.f; \
    V a6 = V{} + 6.f, a7 = V{} + 7.f, a8 = V{} + 8.f, a9 = V{} + 9.f, a10 = V{} + 10.f, a11 = V{} + 11.f; \
    for (long it = 0; it < iters; ++it) {                                                         \
        a0 = a0 * x + y; a1 = a1 * x + y; a2 = a2 * x + y; a3 = a3 * x + y;                       \
        a4 = a4 * x + y; a5 = a5 * x + y; a6 = a6 * x + y; a7 = a7 * x + y;                       \
        a8 = a8 * x + y; a9 = a9 * x + y; a10 = a10 * x + y; a11 = a11 * x + y;                   \
        __asm__ volatile("" : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4), "+x"(a5), "+x"(a6), \
                         "+x"(a7), "+x"(a8), "+x"(a9), "+x"(a10), "+x"(a11));                     \
    }                                                                                             \
    V s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;                            \
    return s[0];

constexpr int kChains = 12;

__attribute__((target("sse4.2"))) float chains_sse(long iters) {
    typedef float V __attribute__((vector_size(16)));
    ANVIL_PEAK_LOOP(V)
}
__attribute__((target("avx2,fma"))) float chains_avx2(long iters) {
    typedef float V __attribute__((vector_size(32)));
    ANVIL_PEAK_LOOP(V)
}
__attribute__((target("avx512f,fma"))) float chains_avx512(long iters) {
    typedef float V __attribute__((vector_size(64)));
    ANVIL_PEAK_LOOP(V)
}
#undef ANVIL_PEAK_LOOP

int lanes(Isa isa) {
    switch (isa) {
        case Isa::sse: return 4;
        case Isa::avx2: return 8;
        case Isa::avx512: return 16;
    }
    return 0;
}

float run_chains(Isa isa, long iters) {
    switch (isa) {
        case Isa::sse: return chains_sse(iters);
        case Isa::avx2: return chains_avx2(iters);
        case Isa::avx512: return chains_avx512(iters);
    }
    return 0;
}

}  // namespace

std::string isa_name(Isa isa) {
    switch (isa) {
        case Isa::sse: return "sse4.2 (x86-64-v2)";
        case Isa::avx2: return "avx2+fma (x86-64-v3)";
        case Isa::avx512: return "avx512 (x86-64-v4)";
    }
    return "?";
}

std::vector<Isa> supported_isas() {
    std::vector<Isa> out;
    __builtin_cpu_init();
    // libgcc's checks include the OS's XSAVE support of the AVX and AVX-512 register state.
    if (__builtin_cpu_supports("sse4.2")) out.push_back(Isa::sse);
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) out.push_back(Isa::avx2);
    if (__builtin_cpu_supports("avx512f")) out.push_back(Isa::avx512);
    return out;
}

Isa variant_isa() {
    const std::vector<Isa> isas = supported_isas();
    Isa best = isas.empty() ? Isa::sse : isas.back();
    if (const char* forced = std::getenv("ANVIL_CPU_VARIANT")) {
        const std::string_view v(forced);
        if (v == "x86-64-v2") best = Isa::sse;
        if (v == "x86-64-v3") best = Isa::avx2;
        if (v == "x86-64-v4") best = Isa::avx512;
    }
    return best;
}

double peak_gflops(Isa isa, int threads, int reps) {
    const long iters = 20'000'000 / lanes(isa) * 4;  // about 0.1-0.2 s per run
    double best = 0;
    for (int r = 0; r < reps; ++r) {
        volatile float sink = 0;
        const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads)
        {
            const float v = run_chains(isa, iters);
#pragma omp critical
            sink = sink + v;
        }
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double gflops = 2.0 * kChains * lanes(isa) * static_cast<double>(iters) * threads / s / 1e9;
        if (gflops > best) best = gflops;
    }
    return best;
}

}  // namespace anvil::bench
