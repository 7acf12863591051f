// The size-dependent defaults of a new anvil-siren run as functions (settings.h), at sizes
// that the CLI tests (test_cli_size_defaults.cpp) would need minutes of training to reach:
// the batch shrinks as 1 / side beyond 128 and the steps keep the pixels of a run about the
// same (docs/siren.md, options).
#include <gtest/gtest.h>

#include "settings.h"

namespace anvil::siren::test {
namespace {

TEST(SirenSizeDefaultRules, BatchShrinksAsOneOverTheLongerSideBeyond128) {
    EXPECT_EQ(default_batch(100, 128), 16384);    // up to 128: kDefaultBatch
    EXPECT_EQ(default_batch(200, 100), 10486);    // 16384 * 128 / 200 = 10485.8
    EXPECT_EQ(default_batch(256, 256), 8192);
    EXPECT_EQ(default_batch(300, 512), 4096);     // the longer side counts
    EXPECT_EQ(default_batch(768, 768), 2731);     // 2730.7
    EXPECT_EQ(default_batch(1024, 1024), 2048);
    EXPECT_EQ(default_batch(2048, 1024), 1024);
}

TEST(SirenSizeDefaultRules, StepsKeepThePixelsOfARun) {
    EXPECT_EQ(default_steps(700, 128, 128), 700);
    EXPECT_EQ(default_steps(700, 200, 200), 1094);    // 11.47 M / 10485.8 = 1093.8
    EXPECT_EQ(default_steps(700, 256, 256), 1400);
    EXPECT_EQ(default_steps(700, 512, 512), kDefaultSteps512);
    EXPECT_EQ(default_steps(700, 768, 768), 5622);    // 15.35 M / 2730.7
    EXPECT_EQ(default_steps(700, 1024, 1024), 7600);
    EXPECT_EQ(default_steps(50, 256, 256), 100);      // scales with the given base
    // Pixels per run: 11.47 M from 128 to 256, then 14.7 M at 512 to 15.6 M at 1024 and beyond.
    for (int side : {160, 200, 256}) {
        const double pixels = static_cast<double>(default_steps(700, side, side)) * default_batch(side, side);
        EXPECT_NEAR(pixels, 700.0 * 16384, 0.001 * 700 * 16384) << side;
    }
    for (int side : {512, 768, 1024, 2048}) {
        const double pixels = static_cast<double>(default_steps(700, side, side)) * default_batch(side, side);
        EXPECT_GT(pixels, 14.5e6) << side;
        EXPECT_LT(pixels, 16.0e6) << side;
    }
}

}  // namespace
}  // namespace anvil::siren::test
