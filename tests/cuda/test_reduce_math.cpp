// Checks the reduction index math and combine operators the CUDA kernels use
// (backends/common/reduce_math.h) on the CPU: the segment gather order against a direct loop
// over (outer, length, inner), NaN in max/min, and argmax's first-maximum / NaN rule under
// every association a parallel reduction may choose.
#include <gtest/gtest.h>

#include <cmath>
#include <array>
#include <limits>
#include <random>
#include <vector>

#include "common/reduce_math.h"

namespace {

using anvil::common::ArgmaxOp;
using anvil::common::IndexedValue;
using anvil::common::segment_index;
using Index = std::int64_t;

TEST(ReduceMath, SegmentIndexVisitsEachSegmentInAxisOrder) {
    for (const auto& [outer, length, inner] :
         std::vector<std::array<Index, 3>>{{1, 7, 1}, {3, 5, 1}, {1, 4, 6}, {2, 3, 5}, {4, 1, 3}}) {
        std::vector<int> seen(static_cast<std::size_t>(outer * length * inner), 0);
        for (Index j = 0; j < outer * length * inner; ++j) {
            const auto at = segment_index(length, inner, j);
            const Index o = at.segment / inner, i = at.segment % inner;
            EXPECT_EQ(at.segment, j / length);
            EXPECT_EQ(at.position, j % length);
            EXPECT_EQ(at.source, (o * length + at.position) * inner + i);
            ++seen[static_cast<std::size_t>(at.source)];
        }
        for (int count : seen) EXPECT_EQ(count, 1);  // a permutation of the input
    }
}

TEST(ReduceMath, SegmentIndexIsIdentityForInnerOne) {
    for (Index j = 0; j < 40; ++j) EXPECT_EQ(segment_index(8, 1, j).source, j);
}

TEST(ReduceMath, MaxMinPropagateNaN) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const anvil::common::MaxOp<float> max_op;
    const anvil::common::MinOp<float> min_op;
    EXPECT_TRUE(std::isnan(max_op(nan, 1.0f)));
    EXPECT_TRUE(std::isnan(max_op(1.0f, nan)));
    EXPECT_TRUE(std::isnan(min_op(nan, 1.0f)));
    EXPECT_TRUE(std::isnan(min_op(-1.0f, nan)));
    EXPECT_EQ(max_op(-std::numeric_limits<float>::infinity(), -3.0f), -3.0f);
    EXPECT_EQ(min_op(std::numeric_limits<float>::infinity(), 3.0f), 3.0f);
}

// Reduces candidates in a random binary tree, as a parallel reduction might.
IndexedValue<double> tree_reduce(std::vector<IndexedValue<double>> items, std::mt19937& rng) {
    const ArgmaxOp<double> op;
    while (items.size() > 1) {
        std::uniform_int_distribution<std::size_t> pick(0, items.size() - 2);
        const std::size_t i = pick(rng);
        items[i] = (rng() & 1) ? op(items[i], items[i + 1]) : op(items[i + 1], items[i]);
        items.erase(items.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
    return items.front();
}

Index argmax_reference(const std::vector<double>& v) {
    for (std::size_t i = 0; i < v.size(); ++i)
        if (std::isnan(v[i])) return static_cast<Index>(i);
    std::size_t best = 0;
    for (std::size_t i = 1; i < v.size(); ++i)
        if (v[i] > v[best]) best = i;
    return static_cast<Index>(best);
}

TEST(ReduceMath, ArgmaxFirstMaximumNaNWinsAnyAssociation) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<std::vector<double>> cases = {
        {1, 3, 3, 2},       {5},           {-inf, -inf},       {2, nan, 7, nan},
        {-1, -1, -1, -1},   {0, -0.0, 0},  {inf, 1, inf},      {nan},
        {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 9}};
    std::mt19937 rng(5);
    for (const auto& values : cases) {
        std::vector<IndexedValue<double>> items;
        for (std::size_t i = 0; i < values.size(); ++i)
            items.push_back({static_cast<Index>(i), values[i]});
        for (int trial = 0; trial < 20; ++trial) {
            const IndexedValue<double> identity{std::numeric_limits<Index>::max(), -inf};
            auto with_identity = items;
            const auto at = static_cast<std::ptrdiff_t>(rng() % (items.size() + 1));
            with_identity.insert(with_identity.begin() + at, identity);
            EXPECT_EQ(tree_reduce(with_identity, rng).index, argmax_reference(values));
        }
    }
}

}  // namespace
