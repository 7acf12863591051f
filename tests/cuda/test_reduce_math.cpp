// Checks the reduction index math and combine operators the CUDA kernels use
// (backends/common/reduce_math.h) on the CPU: the segment gather order against a direct loop
// over (outer, length, inner), the column reduction's plan and per-thread index walk (every
// input read once, every partial written once, passes that end in the right result), NaN in
// max/min, and argmax's first-maximum / NaN rule under every association a parallel reduction
// may choose.
#include <gtest/gtest.h>

#include <cmath>
#include <array>
#include <limits>
#include <random>
#include <vector>

#include "common/reduce_math.h"

namespace {

using anvil::common::ArgmaxOp;
using anvil::common::ColumnPlan;
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

// One pass of reduce_columns_kernel on the host: every block (bx, chunk) and thread t walks
// the items column_lane gives it, and the lanes of each column are summed into out_index.
// Counts how often each input element is read and each partial written.
std::vector<double> run_column_pass(const ColumnPlan& p, const std::vector<double>& x,
                                    std::vector<int>& reads, std::vector<int>& writes,
                                    Index block) {
    std::vector<double> out(static_cast<std::size_t>(p.outer * p.chunks * p.inner), 0.0);
    writes.assign(out.size(), 0);
    reads.assign(x.size(), 0);
    for (Index bx = 0; bx < p.outer * p.tiles; ++bx)
        for (Index chunk = 0; chunk < p.chunks; ++chunk)
            for (Index t = 0; t < block; ++t) {
                const auto l = anvil::common::column_lane(p, bx, chunk, t);
                if (!l.active) continue;
                EXPECT_LT(l.q, p.lanes);
                EXPECT_EQ(l.q * p.cols + l.c, t);
                Index offset = l.offset;
                const Index o = bx / p.tiles;
                for (Index k = l.k_begin; k < l.k_end; k += p.lanes, offset += l.step) {
                    EXPECT_EQ(offset, (o * p.length + k) * p.inner + l.i);
                    ++reads[static_cast<std::size_t>(offset)];
                    out[static_cast<std::size_t>(l.out_index)] += x[static_cast<std::size_t>(offset)];
                }
                if (l.q == 0) ++writes[static_cast<std::size_t>(l.out_index)];
            }
    return out;
}

TEST(ReduceMath, ColumnReductionReadsEveryItemOnceAndPassesEndInTheSum) {
    const Index block = 256;
    for (const auto& [outer, length, inner] : std::vector<std::array<Index, 3>>{
             {1, 100003, 3}, {1, 65536, 256}, {64, 3000, 5}, {2, 7001, 300}, {3, 1, 2},
             {5, 40, 1000}, {1, 9, 2}, {7, 33, 129}}) {
        for (Index target : {Index{1}, Index{64}, Index{2112}}) {
            SCOPED_TRACE(::testing::Message() << "(" << outer << ", " << length << ", " << inner
                                              << ") target " << target);
            std::vector<double> x(static_cast<std::size_t>(outer * length * inner));
            for (std::size_t j = 0; j < x.size(); ++j) x[j] = static_cast<double>(j % 97) - 40.0;
            std::vector<double> expected;
            for (Index o = 0; o < outer; ++o)
                for (Index i = 0; i < inner; ++i) {
                    double sum = 0;
                    for (Index k = 0; k < length; ++k)
                        sum += x[static_cast<std::size_t>((o * length + k) * inner + i)];
                    expected.push_back(sum);
                }
            // The passes reduce_columns makes: partials (outer, chunks, inner) until one chunk.
            std::vector<double> data = x;
            Index len = length;
            for (int pass = 0;; ++pass) {
                ASSERT_LT(pass, 8) << "too many passes";
                const ColumnPlan p =
                    anvil::common::plan_column_reduction(outer, len, inner, block, target);
                EXPECT_EQ(p.lanes & (p.lanes - 1), 0) << "lanes is a power of two";
                EXPECT_LE(p.lanes * p.cols, block);
                EXPECT_GE(p.tiles * p.cols, inner);
                EXPECT_LE(p.chunks, 65535);
                EXPECT_GE(p.chunk_len * p.chunks, len);
                EXPECT_LT(p.chunk_len * (p.chunks - 1), len) << "no empty chunk";
                std::vector<int> reads, writes;
                data = run_column_pass(p, data, reads, writes, block);
                for (int r : reads) ASSERT_EQ(r, 1);
                for (int w : writes) ASSERT_EQ(w, 1);
                if (p.chunks == 1) break;
                len = p.chunks;
            }
            ASSERT_EQ(data.size(), expected.size());
            for (std::size_t j = 0; j < data.size(); ++j) EXPECT_EQ(data[j], expected[j]) << j;
        }
    }
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
