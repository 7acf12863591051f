// CPUID/XGETBV reading and the x86-64 level checks (cpu_isa.h), for the baseline ISA.
#include "cpu_isa.h"

#include <cstdio>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace anvil::cpu {

namespace {

struct Feature {
    const char* name;
    const std::uint32_t CpuidWords::*word;
    int bit;
};

// The psABI's feature lists per level (levels include the ones below).
constexpr Feature kLevel2[] = {
    {"sse3", &CpuidWords::leaf1_ecx, 0},    {"ssse3", &CpuidWords::leaf1_ecx, 9},
    {"cx16", &CpuidWords::leaf1_ecx, 13},   {"sse4.1", &CpuidWords::leaf1_ecx, 19},
    {"sse4.2", &CpuidWords::leaf1_ecx, 20}, {"popcnt", &CpuidWords::leaf1_ecx, 23},
    {"lahf_lm", &CpuidWords::ext1_ecx, 0},
};
constexpr Feature kLevel3[] = {
    {"fma", &CpuidWords::leaf1_ecx, 12},   {"movbe", &CpuidWords::leaf1_ecx, 22},
    {"osxsave", &CpuidWords::leaf1_ecx, 27}, {"avx", &CpuidWords::leaf1_ecx, 28},
    {"f16c", &CpuidWords::leaf1_ecx, 29},  {"bmi1", &CpuidWords::leaf7_ebx, 3},
    {"avx2", &CpuidWords::leaf7_ebx, 5},   {"bmi2", &CpuidWords::leaf7_ebx, 8},
    {"lzcnt", &CpuidWords::ext1_ecx, 5},
};
constexpr Feature kLevel4[] = {
    {"avx512f", &CpuidWords::leaf7_ebx, 16},  {"avx512dq", &CpuidWords::leaf7_ebx, 17},
    {"avx512cd", &CpuidWords::leaf7_ebx, 28}, {"avx512bw", &CpuidWords::leaf7_ebx, 30},
    {"avx512vl", &CpuidWords::leaf7_ebx, 31},
};

template <std::size_t N> const char* first_missing(const Feature (&list)[N], const CpuidWords& w) {
    for (const Feature& f : list)
        if (((w.*f.word >> f.bit) & 1u) == 0) return f.name;
    return nullptr;
}

// XCR0 bits the OS sets when it saves a register file on context switches: SSE (1) and
// AVX upper halves (2) for ymm; opmask (5), ZMM_Hi256 (6) and Hi16_ZMM (7) for AVX-512.
// Without them the instructions fault even on a CPU that has them.
constexpr std::uint64_t kXcr0Avx = 0x6, kXcr0Avx512 = 0xe6;

}  // namespace

CpuidWords read_cpuid() {
    CpuidWords w;
#if defined(__x86_64__) || defined(__i386__)
    unsigned a = 0, b = 0, c = 0, d = 0;
    const unsigned max_leaf = __get_cpuid_max(0, nullptr);
    if (max_leaf >= 1 && __get_cpuid(1, &a, &b, &c, &d)) {
        w.leaf1_ecx = c;
        w.leaf1_edx = d;
    }
    if (max_leaf >= 7 && __get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        w.leaf7_ebx = b;
        w.leaf7_ecx = c;
    }
    if (__get_cpuid_max(0x80000000u, nullptr) >= 0x80000001u && __get_cpuid(0x80000001u, &a, &b, &c, &d))
        w.ext1_ecx = c;
    if ((w.leaf1_ecx >> 27) & 1u) {  // OSXSAVE: xgetbv is allowed
        unsigned lo = 0, hi = 0;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        w.xcr0 = (static_cast<std::uint64_t>(hi) << 32) | lo;
    }
#endif
    return w;
}

namespace {

// The register-state text when XCR0 lacks any of `bits`, else null.
const char* missing_state(std::uint64_t xcr0, std::uint64_t bits, const char* what, char (&buffer)[96]) {
    if ((xcr0 & bits) == bits) return nullptr;
    std::snprintf(buffer, sizeof buffer, "OS support of the %s register state (XCR0 = 0x%llx)", what,
                  static_cast<unsigned long long>(xcr0));
    return buffer;
}

}  // namespace

LevelCheck check_level(int level, const CpuidWords& w, char (&buffer)[96]) {
    LevelCheck check;
    if (level < 2 || level > 4) {
        check.missing = "an x86-64 level this build does not know";
        return check;
    }
    const char* missing = first_missing(kLevel2, w);
    if (!missing && level >= 3) missing = first_missing(kLevel3, w);
    if (!missing && level >= 3) missing = missing_state(w.xcr0, kXcr0Avx, "AVX", buffer);
    if (!missing && level >= 4) missing = first_missing(kLevel4, w);
    if (!missing && level >= 4) missing = missing_state(w.xcr0, kXcr0Avx512, "AVX-512", buffer);
    check.supported = missing == nullptr;
    check.missing = missing ? missing : "";
    return check;
}

VariantScore score_variant(int level, const CpuidWords& words, const char* forced, char (&buffer)[96]) {
    VariantScore s;
    const LevelCheck check = check_level(level, words, buffer);
    if (!check.supported) {
        char missing[72];  // check.missing may point into buffer: copy it out first
        std::snprintf(missing, sizeof missing, "%s", check.missing);
        std::snprintf(buffer, sizeof buffer, "unsupported ISA: needs %.71s", missing);
        s.reason = buffer;
        return s;
    }
    if (forced && *forced) {
        char mine[16];
        std::snprintf(mine, sizeof mine, "x86-64-v%d", level);
        if (std::strcmp(forced, mine) != 0) {
            std::snprintf(buffer, sizeof buffer, "not selected: ANVIL_CPU_VARIANT=%.60s", forced);
            s.reason = buffer;
            return s;
        }
    }
    s.score = level;
    return s;
}

}  // namespace anvil::cpu
