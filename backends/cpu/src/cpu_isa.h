// Which x86-64 ISA level (psABI x86-64-v2, -v3, -v4) this CPU and its OS can run, from the
// raw CPUID and XGETBV words, so that each cpu backend variant can say whether it may run and
// why not. Compiled for the baseline ISA only (the variants' registrar links it): nothing here
// may use an instruction the oldest supported CPU lacks.
#pragma once

#include <cstdint>

namespace anvil::cpu {

// The CPUID and XCR0 words the level checks read; a test fills them by hand.
struct CpuidWords {
    std::uint32_t leaf1_ecx = 0, leaf1_edx = 0;    // CPUID(1)
    std::uint32_t leaf7_ebx = 0, leaf7_ecx = 0;    // CPUID(7, 0)
    std::uint32_t ext1_ecx = 0;                    // CPUID(0x80000001)
    std::uint64_t xcr0 = 0;                        // XGETBV(0), 0 when OSXSAVE is off
};

// The running CPU's words (cpuid instruction; xgetbv only when the OS has set OSXSAVE).
CpuidWords read_cpuid();

// Whether `level` (2, 3 or 4) can run. When not, `missing` names the first missing feature
// ("avx512bw", "OS support of the AVX-512 register state (XCR0 = 0x7)"), in static storage
// or in `buffer` (kept by the caller).
struct LevelCheck {
    bool supported = false;
    const char* missing = "";
};
LevelCheck check_level(int level, const CpuidWords& words, char (&buffer)[96]);

// A variant's score as the registry compares them: the level itself (4 beats 3 beats 2), 0
// when the CPU cannot run it or when ANVIL_CPU_VARIANT (`forced`, may be null) names another
// variant. `reason` ("unsupported ISA: needs avx512f", "not selected: ANVIL_CPU_VARIANT=...")
// says why a score is 0; it may point into `buffer`.
struct VariantScore {
    int score = 0;
    const char* reason = "";
};
VariantScore score_variant(int level, const CpuidWords& words, const char* forced, char (&buffer)[96]);

}  // namespace anvil::cpu
