// Peak FP32 arithmetic rate of this CPU per x86 vector ISA: independent multiply-add chains
// on the widest registers of that ISA (SSE: 4 lanes, mul + add; AVX2+FMA: 8 lanes, FMA;
// AVX-512: 16 lanes, FMA), on 1 or more threads. The GEMM benchmarks report their rate as a
// fraction of it ("of_peak").
#pragma once

#include <string>
#include <vector>

namespace anvil::bench {

enum class Isa { sse, avx2, avx512 };

std::string isa_name(Isa isa);  // "sse4.2 (x86-64-v2)", ...
// The ISAs this CPU (and its OS, for the AVX register state) can run, narrowest first.
std::vector<Isa> supported_isas();
// The ISA of the cpu variant the loader would choose: the widest supported, or the one named
// by ANVIL_CPU_VARIANT (x86-64-v2 / -v3 / -v4) when set.
Isa variant_isa();
// GFLOP/s (2 flops per multiply-add), the best of `reps` timed runs of about 0.2 s each.
double peak_gflops(Isa isa, int threads, int reps = 5);
// Whether this CPU has AVX512_BF16 (vdpbf16ps), and the rate of its dot-product chains: bf16
// inputs, FP32 accumulation, 2 multiply-adds per lane and instruction (0 without it). Not an
// ISA of a cpu variant: it tells whether a bf16 GEMM could beat the FP32 peak here.
bool has_avx512_bf16();
double bf16_peak_gflops(int threads, int reps = 5);

}  // namespace anvil::bench
