// FMA-chain peak measurement (peak_flops.h). Each ISA's loop is its own function compiled for
// that ISA with a target attribute, and runs only after the CPU has been checked for it.
#include "peak_flops.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <string_view>

namespace anvil::bench {
namespace {

#if defined(__x86_64__)
#define ANVIL_VREG "+x"  // a vector register
#else
#define ANVIL_VREG "+w"  // aarch64's SIMD registers
#endif

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
        __asm__ volatile("" : ANVIL_VREG(a0), ANVIL_VREG(a1), ANVIL_VREG(a2), ANVIL_VREG(a3), ANVIL_VREG(a4), ANVIL_VREG(a5), ANVIL_VREG(a6), \
                         ANVIL_VREG(a7), ANVIL_VREG(a8), ANVIL_VREG(a9), ANVIL_VREG(a10), ANVIL_VREG(a11));                     \
    }                                                                                             \
    V s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;                            \
    return s[0];

constexpr int kChains = 12;

#if defined(__x86_64__)
#define ANVIL_PEAK_TARGET(isa) __attribute__((target(isa)))
#else  // elsewhere only the 16-byte loop runs (supported_isas), for the compiler's default target
#define ANVIL_PEAK_TARGET(isa)
#endif
ANVIL_PEAK_TARGET("sse4.2") float chains_sse(long iters) {
    typedef float V __attribute__((vector_size(16)));
    ANVIL_PEAK_LOOP(V)
}
ANVIL_PEAK_TARGET("avx2,fma") float chains_avx2(long iters) {
    typedef float V __attribute__((vector_size(32)));
    ANVIL_PEAK_LOOP(V)
}
ANVIL_PEAK_TARGET("avx512f,fma") float chains_avx512(long iters) {
    typedef float V __attribute__((vector_size(64)));
    ANVIL_PEAK_LOOP(V)
}
#if defined(__x86_64__)
// AVX512_BF16's dot product (vdpbf16ps): each FP32 lane adds the products of a pair of bf16
// values, two multiply-adds per lane and instruction: the rate a GEMM on bf16 inputs with FP32
// accumulation (a --precision bf16) could reach. Same 12 chains, same empty asm.
ANVIL_PEAK_TARGET("avx512f,avx512bf16") float chains_avx512_bf16(long iters) {
    const __m512bh x = (__m512bh)_mm512_set1_epi32(0x3f803f80);  // bf16 pairs (1, 1)
    const __m512bh y = (__m512bh)_mm512_set1_epi32(0x33d633d6);  // bf16 pairs (1e-7, 1e-7)
    __m512 a[kChains];
    for (int c = 0; c < kChains; ++c) a[c] = _mm512_set1_ps(static_cast<float>(c));
    for (long it = 0; it < iters; ++it) {
#pragma GCC unroll 12
        for (int c = 0; c < kChains; ++c) a[c] = _mm512_dpbf16_ps(a[c], x, y);
        __asm__ volatile("" : "+v"(a[0]), "+v"(a[1]), "+v"(a[2]), "+v"(a[3]), "+v"(a[4]), "+v"(a[5]),
                         "+v"(a[6]), "+v"(a[7]), "+v"(a[8]), "+v"(a[9]), "+v"(a[10]), "+v"(a[11]));
    }
    __m512 s = a[0];
    for (int c = 1; c < kChains; ++c) s = _mm512_add_ps(s, a[c]);
    return _mm512_cvtss_f32(s);
}
#endif
#undef ANVIL_PEAK_TARGET
#undef ANVIL_PEAK_LOOP
#undef ANVIL_VREG

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
#if defined(__x86_64__)
    __builtin_cpu_init();
    // libgcc's checks include the OS's XSAVE support of the AVX and AVX-512 register state.
    if (__builtin_cpu_supports("sse4.2")) out.push_back(Isa::sse);
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) out.push_back(Isa::avx2);
    if (__builtin_cpu_supports("avx512f")) out.push_back(Isa::avx512);
#else
    out.push_back(Isa::sse);  // 16-byte vectors (NEON on aarch64)
#endif
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

namespace {
// The best of `reps` runs of `chains(iters)` on `threads` threads, in GFLOP/s, given the
// multiply-adds of one iteration on one thread.
template <typename Chains>
double best_rate(int threads, int reps, long iters, double madds_per_iter, const Chains& chains) {
    double best = 0;
    for (int r = 0; r < reps; ++r) {
        volatile float sink = 0;
        const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel num_threads(threads)
        {
            const float v = chains(iters);
#pragma omp critical
            sink = sink + v;
        }
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, 2.0 * madds_per_iter * static_cast<double>(iters) * threads / s / 1e9);
    }
    return best;
}

// Iterations of one run on `isa`'s vectors: about 0.1-0.2 s.
long iterations(Isa isa) { return 20'000'000 / lanes(isa) * 4; }
}  // namespace

double peak_gflops(Isa isa, int threads, int reps) {
    return best_rate(threads, reps, iterations(isa), double{kChains} * lanes(isa),
                     [isa](long n) { return run_chains(isa, n); });
}

bool has_avx512_bf16() {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
#else
    return false;
#endif
}

double bf16_peak_gflops(int threads, int reps) {
#if defined(__x86_64__)
    if (!has_avx512_bf16()) return 0;
    // Two multiply-adds per FP32 lane and instruction.
    return best_rate(threads, reps, iterations(Isa::avx512), double{kChains} * lanes(Isa::avx512) * 2,
                     chains_avx512_bf16);
#else
    (void)threads;
    (void)reps;
    return 0;
#endif
}

}  // namespace anvil::bench
