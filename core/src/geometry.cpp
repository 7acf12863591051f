// NumPy broadcasting, reduced to the index geometry the backends consume.
#include <algorithm>

#include "anvil/error.h"
#include "anvil/op.h"

namespace anvil {

namespace {
std::string incompatible(const char* op, const Shape& a, const Shape& b) {
    return std::string("[") + op + "] shapes " + a.to_string() + " and " + b.to_string() +
           " cannot be broadcast";
}
}  // namespace

Shape broadcast_shape(const char* op, const Shape& a, const Shape& b) {
    const int rank = std::max(a.rank(), b.rank());
    std::vector<std::int64_t> dims(static_cast<std::size_t>(rank));
    for (int d = 0; d < rank; ++d) {
        const int da = d - (rank - a.rank());
        const int db = d - (rank - b.rank());
        const std::int64_t sa = da >= 0 ? a[da] : 1;
        const std::int64_t sb = db >= 0 ? b[db] : 1;
        if (sa != sb && sa != 1 && sb != 1) throw Error(incompatible(op, a, b));
        dims[static_cast<std::size_t>(d)] = (sa == 1) ? sb : sa;
    }
    return Shape(std::move(dims));
}

BroadcastGeometry broadcast_geometry(const char* op, const Shape& a, const Shape& b) {
    const Shape out = broadcast_shape(op, a, b);
    const int rank = out.rank();
    // Per-dimension extents and strides, left-padded, before merging.
    std::vector<std::int64_t> dims(static_cast<std::size_t>(rank));
    std::vector<std::int64_t> sa(static_cast<std::size_t>(rank)), sb(static_cast<std::size_t>(rank));
    std::int64_t stride_a = 1, stride_b = 1;
    for (int d = rank - 1; d >= 0; --d) {
        const int da = d - (rank - a.rank());
        const int db = d - (rank - b.rank());
        const std::int64_t ea = da >= 0 ? a[da] : 1;
        const std::int64_t eb = db >= 0 ? b[db] : 1;
        const auto i = static_cast<std::size_t>(d);
        dims[i] = out[d];
        sa[i] = (ea == 1 && out[d] != 1) ? 0 : stride_a;
        sb[i] = (eb == 1 && out[d] != 1) ? 0 : stride_b;
        stride_a *= ea;
        stride_b *= eb;
    }
    // Merge adjacent dimensions d-1, d when both operands step through them contiguously
    // (stride[d-1] == stride[d] * dims[d]) or both broadcast them (stride 0 in both).
    BroadcastGeometry g;
    g.numel = out.numel();
    std::vector<std::int64_t> md, ma, mb;
    for (int d = 0; d < rank; ++d) {
        const auto i = static_cast<std::size_t>(d);
        if (dims[i] == 1) continue;  // size-1 dimensions contribute nothing
        if (!md.empty()) {
            const std::int64_t n = dims[i];
            const bool a_ok = ma.back() == sa[i] * n;
            const bool b_ok = mb.back() == sb[i] * n;
            if (a_ok && b_ok) {
                md.back() *= n;
                ma.back() = sa[i];
                mb.back() = sb[i];
                continue;
            }
        }
        md.push_back(dims[i]);
        ma.push_back(sa[i]);
        mb.push_back(sb[i]);
    }
    if (md.empty()) {  // every dimension is 1 (or rank 0): one element
        md.push_back(1);
        ma.push_back(0);
        mb.push_back(0);
    }
    g.rank = static_cast<int>(md.size());
    for (int d = 0; d < g.rank; ++d) {
        const auto i = static_cast<std::size_t>(d);
        g.out_dims[i] = md[i];
        g.a_strides[i] = ma[i];
        g.b_strides[i] = mb[i];
    }
    return g;
}

}  // namespace anvil
