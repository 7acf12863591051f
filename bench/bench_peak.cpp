// anvil-bench-peak: this CPU's peak FP32 rate per vector ISA on 1 and 2 threads (FMA chains,
// peak_flops.h), the denominator of the GEMM benchmarks' "of_peak"; on CPUs with AVX512_BF16
// also the rate of its bf16 dot-product chains (what a bf16 GEMM could reach).
//   anvil-bench-peak [--reps N]
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "peak_flops.h"

int main(int argc, char** argv) {
    int reps = 7;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--reps") == 0) reps = std::atoi(argv[i + 1]);
    std::printf("%-22s %8s %12s\n", "isa", "threads", "GFLOP/s");
    for (anvil::bench::Isa isa : anvil::bench::supported_isas())
        for (int threads : {1, 2})
            std::printf("%-22s %8d %12.1f\n", anvil::bench::isa_name(isa).c_str(), threads,
                        anvil::bench::peak_gflops(isa, threads, reps));
    if (anvil::bench::has_avx512_bf16())
        for (int threads : {1, 2})
            std::printf("%-22s %8d %12.1f\n", "avx512bf16 vdpbf16ps", threads,
                        anvil::bench::bf16_peak_gflops(threads, reps));
    return 0;
}
