// broadcast_shape and broadcast_geometry: NumPy's rules, the merging of contiguous dimensions,
// zero strides on broadcast axes, and errors. A brute-force check walks every output element
// with the unmerged index math and compares with common::broadcast_offsets on the merged
// geometry, which is exactly what the CPU and CUDA kernels compute.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "anvil/op.h"
#include "common/elementwise.h"
#include "support/expect_error.h"

namespace anvil {
namespace {

std::vector<std::int64_t> dims_of(const BroadcastGeometry& g) {
    return {g.out_dims.begin(), g.out_dims.begin() + g.rank};
}
std::vector<std::int64_t> a_strides_of(const BroadcastGeometry& g) {
    return {g.a_strides.begin(), g.a_strides.begin() + g.rank};
}
std::vector<std::int64_t> b_strides_of(const BroadcastGeometry& g) {
    return {g.b_strides.begin(), g.b_strides.begin() + g.rank};
}

using V = std::vector<std::int64_t>;

TEST(BroadcastShape, FollowsNumPyRules) {
    EXPECT_EQ(broadcast_shape("add", Shape{2, 3}, Shape{3}), (Shape{2, 3}));
    EXPECT_EQ(broadcast_shape("add", Shape{4, 1, 3}, Shape{2, 1}), (Shape{4, 2, 3}));
    EXPECT_EQ(broadcast_shape("add", Shape{}, Shape{2, 2}), (Shape{2, 2}));
    EXPECT_EQ(broadcast_shape("add", Shape{1}, Shape{}), (Shape{1}));
    EXPECT_EQ(broadcast_shape("add", Shape{0, 3}, Shape{1, 3}), (Shape{0, 3}));
    EXPECT_EQ(broadcast_shape("add", Shape{5, 1}, Shape{1, 0}), (Shape{5, 0}));
}

TEST(BroadcastShape, IncompatibleShapesNameTheOpAndBothShapes) {
    EXPECT_EQ(error_of([] { broadcast_shape("add", Shape{2, 3}, Shape{4, 3}); }),
              "[add] shapes (2,3) and (4,3) cannot be broadcast");
    EXPECT_EQ(error_of([] { broadcast_geometry("mul", Shape{3}, Shape{4}); }),
              "[mul] shapes (3) and (4) cannot be broadcast");
    // Size 0 only broadcasts against 0 or 1.
    EXPECT_EQ(error_of([] { broadcast_geometry("sub", Shape{0}, Shape{2}); }),
              "[sub] shapes (0) and (2) cannot be broadcast");
}

TEST(BroadcastGeometry, SameShapesMergeToRankOne) {
    const BroadcastGeometry g = broadcast_geometry("add", Shape{2, 3, 4}, Shape{2, 3, 4});
    EXPECT_EQ(g.rank, 1);
    EXPECT_EQ(dims_of(g), V{24});
    EXPECT_EQ(a_strides_of(g), V{1});
    EXPECT_EQ(b_strides_of(g), V{1});
    EXPECT_EQ(g.numel, 24);
}

TEST(BroadcastGeometry, RowVectorBecomesRankTwoWithZeroStride) {
    // (N,C) + (C): the common bias case.
    const BroadcastGeometry g = broadcast_geometry("add", Shape{5, 7}, Shape{7});
    EXPECT_EQ(g.rank, 2);
    EXPECT_EQ(dims_of(g), (V{5, 7}));
    EXPECT_EQ(a_strides_of(g), (V{7, 1}));
    EXPECT_EQ(b_strides_of(g), (V{0, 1}));
}

TEST(BroadcastGeometry, ColumnAgainstRowBroadcastsBoth) {
    const BroadcastGeometry g = broadcast_geometry("mul", Shape{4, 1}, Shape{1, 6});
    EXPECT_EQ(dims_of(g), (V{4, 6}));
    EXPECT_EQ(a_strides_of(g), (V{1, 0}));
    EXPECT_EQ(b_strides_of(g), (V{0, 1}));
    EXPECT_EQ(g.numel, 24);
}

TEST(BroadcastGeometry, SizeOneDimensionsAreDroppedAndNeighboursMerged) {
    // (2,1,3,4) + (3,4): the size-1 axis vanishes, (3,4) merges to 12 in both operands.
    const BroadcastGeometry g = broadcast_geometry("add", Shape{2, 1, 3, 4}, Shape{3, 4});
    EXPECT_EQ(dims_of(g), (V{2, 12}));
    EXPECT_EQ(a_strides_of(g), (V{12, 1}));
    EXPECT_EQ(b_strides_of(g), (V{0, 1}));
}

TEST(BroadcastGeometry, AdjacentBroadcastAxesMerge) {
    // b broadcasts over both leading axes: they merge into one of extent 6 and stride 0.
    const BroadcastGeometry g = broadcast_geometry("add", Shape{2, 3, 5}, Shape{1, 1, 5});
    EXPECT_EQ(dims_of(g), (V{6, 5}));
    EXPECT_EQ(a_strides_of(g), (V{5, 1}));
    EXPECT_EQ(b_strides_of(g), (V{0, 1}));
}

TEST(BroadcastGeometry, ScalarsGiveOneElement) {
    const BroadcastGeometry g = broadcast_geometry("add", Shape{}, Shape{1, 1});
    EXPECT_EQ(g.rank, 1);
    EXPECT_EQ(dims_of(g), V{1});
    EXPECT_EQ(g.numel, 1);
    EXPECT_EQ(common::broadcast_offsets(g, 0).a, 0);
    EXPECT_EQ(common::broadcast_offsets(g, 0).b, 0);
}

TEST(BroadcastGeometry, EmptyOutputHasNoElements) {
    EXPECT_EQ(broadcast_geometry("add", Shape{0, 3}, Shape{3}).numel, 0);
    EXPECT_EQ(broadcast_geometry("add", Shape{4, 1}, Shape{0}).numel, 0);
}

// Row-major offset of output index `idx` into an operand of `shape`, left-padded to `out`.
std::int64_t naive_offset(const Shape& shape, const Shape& out, const std::vector<std::int64_t>& idx) {
    std::int64_t offset = 0;
    const int pad = out.rank() - shape.rank();
    for (int d = 0; d < shape.rank(); ++d) {
        const std::int64_t i = shape[d] == 1 ? 0 : idx[static_cast<std::size_t>(d + pad)];
        offset = offset * shape[d] + i;
    }
    return offset;
}

void expect_offsets_match_naive(const Shape& a, const Shape& b) {
    const BroadcastGeometry g = broadcast_geometry("add", a, b);
    const Shape out = broadcast_shape("add", a, b);
    ASSERT_EQ(g.numel, out.numel());
    ASSERT_LE(g.rank, std::max(1, out.rank()));
    std::vector<std::int64_t> idx(static_cast<std::size_t>(out.rank()), 0);
    for (std::int64_t i = 0; i < out.numel(); ++i) {
        const common::OperandOffsets off = common::broadcast_offsets(g, i);
        // The 32-bit form the CUDA kernels use below 2^31 elements computes the same offsets.
        const common::OperandOffsets off32 =
            common::broadcast_offsets_in<std::uint32_t>(g, static_cast<std::uint32_t>(i));
        ASSERT_EQ(off32.a, off.a) << a.to_string() << " + " << b.to_string() << " at " << i;
        ASSERT_EQ(off32.b, off.b) << a.to_string() << " + " << b.to_string() << " at " << i;
        ASSERT_EQ(off.a, naive_offset(a, out, idx)) << a.to_string() << " + " << b.to_string() << " at " << i;
        ASSERT_EQ(off.b, naive_offset(b, out, idx)) << a.to_string() << " + " << b.to_string() << " at " << i;
        for (int d = out.rank() - 1; d >= 0; --d) {  // next row-major index
            auto& x = idx[static_cast<std::size_t>(d)];
            if (++x < out[d]) break;
            x = 0;
        }
    }
}

TEST(BroadcastGeometry, OffsetsMatchNaiveIndexingOnHandPickedCorners) {
    expect_offsets_match_naive(Shape{2, 3}, Shape{2, 3});
    expect_offsets_match_naive(Shape{2, 3}, Shape{3});
    expect_offsets_match_naive(Shape{3, 1}, Shape{1, 4});
    expect_offsets_match_naive(Shape{1}, Shape{5, 4});
    expect_offsets_match_naive(Shape{}, Shape{3, 2});
    expect_offsets_match_naive(Shape{2, 1, 3, 1}, Shape{4, 1, 5});
    expect_offsets_match_naive(Shape{1, 2, 1, 2, 1, 2, 1, 2}, Shape{2, 1, 2, 1, 2, 1, 2, 1});
}

TEST(BroadcastGeometry, OffsetsMatchNaiveIndexingOnRandomShapes) {
    std::mt19937 rng(1234);
    std::uniform_int_distribution<int> rank_dist(0, Shape::kMaxRank);
    std::uniform_int_distribution<int> extent_dist(2, 3);
    std::uniform_int_distribution<int> coin(0, 3);
    for (int trial = 0; trial < 300; ++trial) {
        const int rank = rank_dist(rng);
        std::vector<std::int64_t> out(static_cast<std::size_t>(rank));
        for (auto& d : out) d = extent_dist(rng);
        // Each operand keeps a suffix of the output's axes, each axis either full or 1.
        auto operand = [&] {
            const int keep = std::uniform_int_distribution<int>(0, rank)(rng);
            std::vector<std::int64_t> dims(out.end() - keep, out.end());
            for (auto& d : dims)
                if (coin(rng) == 0) d = 1;
            return Shape(dims);
        };
        const Shape a = operand(), b = operand();
        expect_offsets_match_naive(a, b);
        if (HasFatalFailure()) return;
    }
}

}  // namespace
}  // namespace anvil
