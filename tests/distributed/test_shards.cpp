// anvil-siren's split of the work between ranks (apps/siren/distributed.h): rows per rank,
// weights that sum to one, batch shares that sum to the batch, seeds per rank, the
// configuration every rank must share, and the parameter checksum.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "anvil/anvil.h"

#include "distributed.h"

namespace anvil::siren {
namespace {

TEST(Shards, CoverEveryRowOnceWithWeightsSummingToOne) {
    for (int height : {1, 24, 25, 7}) {
        for (int size : {1, 2, 3, 4}) {
            if (size > height) continue;
            int next = 0;
            double weights = 0;
            std::int64_t pixels = 0;
            for (int r = 0; r < size; ++r) {
                const Shard s = shard_for(32, height, r, size);
                EXPECT_EQ(s.row_begin, next);
                EXPECT_GT(s.row_end, s.row_begin);
                next = s.row_end;
                pixels += s.pixels;
                weights += s.weight;
            }
            EXPECT_EQ(next, height);
            EXPECT_EQ(pixels, 32 * height);
            EXPECT_NEAR(weights, 1.0, 1e-15);
        }
    }
}

TEST(Shards, ThreeRanksOn25RowsGet8And8And9) {
    EXPECT_EQ(shard_for(32, 25, 0, 3).row_end, 8);
    EXPECT_EQ(shard_for(32, 25, 1, 3).row_end - shard_for(32, 25, 1, 3).row_begin, 8);
    EXPECT_EQ(shard_for(32, 25, 2, 3).row_end - shard_for(32, 25, 2, 3).row_begin, 9);
}

TEST(BatchShares, SumToTheBatchInProportionToTheShards) {
    for (std::int64_t batch : {3, 200, 799, 16384}) {
        std::int64_t sum = 0;
        for (int r = 0; r < 3; ++r) sum += batch_share(batch, 32, 25, r, 3);
        EXPECT_EQ(sum, batch);
    }
    EXPECT_EQ(batch_share(200, 32, 25, 2, 3), 72);  // 9 of 25 rows: 72 of 200
}

TEST(BatchShares, ARankWithoutPixelsIsAUsageError) {
    try {
        batch_share(2, 32, 25, 0, 3);
        FAIL() << "no error";
    } catch (const UsageError& e) {
        EXPECT_STREQ(e.what(), "--batch 2 on 3 ranks of a 25-row image leaves rank 2 without "
                               "pixels; use a larger --batch or fewer ranks");
    }
}

TEST(BatchSeeds, OneProcessKeepsItsStreamAndRanksGetTheirOwn) {
    EXPECT_EQ(batch_seed(7, 0, 1, 0), 7 ^ 0x9E3779B97F4A7C15ull);
    EXPECT_EQ(batch_seed(7, 0, 1, 500), 7 ^ 0x9E3779B97F4A7C15ull);
    std::set<std::uint64_t> seeds;
    for (int size : {2, 3})
        for (int r = 0; r < size; ++r)
            for (std::int64_t start : {0, 100}) seeds.insert(batch_seed(7, r, size, start));
    EXPECT_EQ(seeds.size(), 10u);
    EXPECT_EQ(batch_seed(7, 1, 2, 0), batch_seed(7, 1, 2, 0));
}

TEST(Configuration, NamesWhatChangesTheComputationAndNotWhatMayDiffer) {
    Options a;
    a.image = "x.png";
    Options b = a;
    b.device = 3;            // one GPU per rank
    b.quiet = true;          // only rank 0 prints anyway
    b.out = "elsewhere";     // only rank 0 writes
    b.plugin_dirs = {"/opt/anvil"};
    EXPECT_EQ(configuration_of(a), configuration_of(b));
    b.lr = 0.002;
    const auto ca = configuration_of(a), cb = configuration_of(b);
    ASSERT_EQ(ca.size(), cb.size());
    int differing = 0;
    for (std::size_t i = 0; i < ca.size(); ++i)
        if (ca[i] != cb[i]) {
            ++differing;
            EXPECT_EQ(cb[i].first, "--lr");
            EXPECT_EQ(cb[i].second, "0.002");
        }
    EXPECT_EQ(differing, 1);
}

TEST(Checksums, SeeEveryParameterBit) {
    auto cpu = anvil::device("cpu");
    nn::MlpConfig config;
    config.hidden = 8;
    config.hidden_layers = 2;
    config.out_features = 1;
    nn::Mlp a(config, cpu), b(config, cpu);
    a.initialize(1);
    b.initialize(1);
    EXPECT_EQ(parameter_checksum(a), parameter_checksum(b));
    std::vector<float> w = b.layers()[1].weight().to_vector<float>();
    w[5] = std::nextafter(w[5], 1.0f);  // one ulp of one weight
    b.layers()[1].weight().upload(w);
    EXPECT_NE(parameter_checksum(a), parameter_checksum(b));
}

}  // namespace
}  // namespace anvil::siren
