// The size-dependent defaults of a new anvil-siren run as functions (settings.h), at sizes
// that the CLI tests (test_cli_size_defaults.cpp) would need minutes of training to reach:
// the batch shrinks as 1 / side^2 from 256 to 512 and as 1 / side beyond, and the steps keep
// the pixels of a run about the same (docs/siren.md, options).
#include <gtest/gtest.h>

#include "settings.h"

namespace anvil::siren::test {
namespace {

TEST(SirenSizeDefaultRules, BatchFollowsTheAreaLawTo512ThenTheSide) {
    EXPECT_EQ(default_batch(200, 100), 16384);    // up to 256: kDefaultBatch
    EXPECT_EQ(default_batch(256, 256), 16384);
    EXPECT_EQ(default_batch(512, 512), 4096);     // 16384 (256 / 512)^2
    EXPECT_EQ(default_batch(300, 512), 4096);     // the longer side counts
    EXPECT_EQ(default_batch(768, 768), 2731);     // 4096 * 512 / 768 = 2730.7
    EXPECT_EQ(default_batch(1024, 1024), 2048);   // 4096 * 512 / 1024
    EXPECT_EQ(default_batch(2048, 1024), 1024);
}

TEST(SirenSizeDefaultRules, StepsKeepThePixelsOfARunAboutTheSame) {
    EXPECT_EQ(default_steps(700, 256, 256), 700);
    EXPECT_EQ(default_steps(700, 512, 512), kDefaultSteps512);
    EXPECT_EQ(default_steps(700, 1024, 1024), 7600);  // 15200 of the area law x 512 / 1024
    EXPECT_EQ(default_steps(700, 768, 768), 5622);    // 8433.3 x 512 / 768 = 5622.2
    // Pixels per run: 11.5 M at 256, then 14.7 M at 512 and 15.6 M at 768 and 1024.
    for (int side : {512, 768, 1024, 2048}) {
        const double pixels = static_cast<double>(default_steps(700, side, side)) * default_batch(side, side);
        EXPECT_GT(pixels, 14.5e6) << side;
        EXPECT_LT(pixels, 16.0e6) << side;
    }
}

}  // namespace
}  // namespace anvil::siren::test
