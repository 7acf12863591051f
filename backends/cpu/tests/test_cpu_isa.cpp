// The x86-64 level checks of the cpu variants' registrar (cpu_isa.h) on fake CPUID and XCR0
// words: each level's features, the OS register-state check (XGETBV) that AVX and AVX-512
// need beyond the CPUID bits, the scores, and ANVIL_CPU_VARIANT.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cpu_isa.h"

namespace anvil::cpu {
namespace {

using ::testing::HasSubstr;
using ::testing::StrEq;

// Words of a CPU with every feature of level 4 and an OS that saves zmm state.
CpuidWords avx512_machine() {
    CpuidWords w;
    w.leaf1_ecx = (1u << 0) | (1u << 9) | (1u << 12) | (1u << 13) | (1u << 19) | (1u << 20) | (1u << 22) |
                  (1u << 23) | (1u << 27) | (1u << 28) | (1u << 29);
    w.leaf7_ebx = (1u << 3) | (1u << 5) | (1u << 8) | (1u << 16) | (1u << 17) | (1u << 28) | (1u << 30) | (1u << 31);
    w.ext1_ecx = (1u << 0) | (1u << 5);
    w.xcr0 = 0xe7;
    return w;
}

int score(int level, const CpuidWords& w, const char* forced = nullptr) {
    char buffer[96];
    return score_variant(level, w, forced, buffer).score;
}

std::string reason(int level, const CpuidWords& w, const char* forced = nullptr) {
    char buffer[96];
    return score_variant(level, w, forced, buffer).reason;
}

TEST(CpuIsa, FullAvx512MachineRunsEveryLevelAndScoresHigherLevelsHigher) {
    const CpuidWords w = avx512_machine();
    EXPECT_EQ(score(2, w), 2);
    EXPECT_EQ(score(3, w), 3);
    EXPECT_EQ(score(4, w), 4);
}

TEST(CpuIsa, HaswellLikeMachineRunsV3ButNotV4) {
    CpuidWords w = avx512_machine();
    w.leaf7_ebx &= ~((1u << 16) | (1u << 17) | (1u << 28) | (1u << 30) | (1u << 31));
    w.xcr0 = 0x7;
    EXPECT_EQ(score(3, w), 3);
    EXPECT_EQ(score(4, w), 0);
    EXPECT_THAT(reason(4, w), StrEq("unsupported ISA: needs avx512f"));
}

TEST(CpuIsa, EachMissingAvx512SubsetIsNamed) {
    for (auto [bit, name] : {std::pair{17, "avx512dq"}, {28, "avx512cd"}, {30, "avx512bw"}, {31, "avx512vl"}}) {
        CpuidWords w = avx512_machine();
        w.leaf7_ebx &= ~(1u << bit);
        EXPECT_EQ(score(4, w), 0) << name;
        EXPECT_THAT(reason(4, w), HasSubstr(name));
        EXPECT_EQ(score(3, w), 3) << name;
    }
}

// The CPU has AVX-512 but the OS does not save the zmm/opmask state (XCR0 lacks bits 5-7):
// the instructions would fault, so v4 must not be chosen.
TEST(CpuIsa, Avx512WithoutOsRegisterStateIsRefused) {
    CpuidWords w = avx512_machine();
    w.xcr0 = 0x7;
    EXPECT_EQ(score(4, w), 0);
    EXPECT_THAT(reason(4, w), HasSubstr("OS support of the AVX-512 register state (XCR0 = 0x7)"));
    EXPECT_EQ(score(3, w), 3);
}

TEST(CpuIsa, AvxWithoutOsxsaveOrYmmStateIsRefused) {
    CpuidWords w = avx512_machine();
    w.xcr0 = 0x3;  // ymm upper halves not saved
    EXPECT_EQ(score(3, w), 0);
    EXPECT_THAT(reason(3, w), HasSubstr("OS support of the AVX register state"));
    w = avx512_machine();
    w.leaf1_ecx &= ~(1u << 27);  // no OSXSAVE: xgetbv is not even allowed
    w.xcr0 = 0;
    EXPECT_THAT(reason(3, w), HasSubstr("osxsave"));
    EXPECT_EQ(score(2, w), 2);
}

TEST(CpuIsa, NehalemLikeMachineRunsOnlyV2) {
    CpuidWords w;
    w.leaf1_ecx = (1u << 0) | (1u << 9) | (1u << 13) | (1u << 19) | (1u << 20) | (1u << 23);
    w.ext1_ecx = 1u << 0;
    EXPECT_EQ(score(2, w), 2);
    EXPECT_EQ(score(3, w), 0);
    EXPECT_THAT(reason(3, w), StrEq("unsupported ISA: needs fma"));
    EXPECT_EQ(score(4, w), 0);
}

TEST(CpuIsa, MachineBelowV2RunsNothing) {
    CpuidWords w = avx512_machine();
    w.leaf1_ecx &= ~(1u << 20);  // no SSE4.2
    for (int level : {2, 3, 4}) {
        EXPECT_EQ(score(level, w), 0);
        EXPECT_THAT(reason(level, w), StrEq("unsupported ISA: needs sse4.2"));
    }
}

TEST(CpuIsa, ForcedVariantExcludesTheOthersButNeverAnUnsupportedOne) {
    const CpuidWords w = avx512_machine();
    EXPECT_EQ(score(3, w, "x86-64-v3"), 3);
    EXPECT_EQ(score(4, w, "x86-64-v3"), 0);
    EXPECT_THAT(reason(4, w, "x86-64-v3"), StrEq("not selected: ANVIL_CPU_VARIANT=x86-64-v3"));
    CpuidWords old = w;
    old.xcr0 = 0x7;
    EXPECT_EQ(score(4, old, "x86-64-v4"), 0);
    EXPECT_EQ(score(2, w, ""), 2);  // empty: no choice forced
}

TEST(CpuIsa, ThisMachinesLevelsAreNestedAndAgreeWithLibgcc) {
    const CpuidWords w = read_cpuid();
    // Every CPU that runs this test (built for x86-64) has SSE2; higher levels are nested.
    for (int level = 3; level <= 4; ++level) {
        if (score(level, w) > 0) {
            EXPECT_GT(score(level - 1, w), 0) << level;
        }
    }
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512cd")) {
        EXPECT_EQ(score(4, w), 4);  // libgcc's own check (which also reads XCR0) agrees
    }
#endif
}

}  // namespace
}  // namespace anvil::cpu
