// Tensor shapes: rank 0 (scalar) to kMaxRank, row-major. A Shape knows its element count and
// prints as "(3,4)", the form every error message uses. The extents live inline (no heap), so
// the ops' shape checks allocate nothing inside a training loop.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "anvil/export.h"

namespace anvil {

class ANVIL_EXPORT Shape {
public:
    static constexpr int kMaxRank = 8;

    Shape() = default;  // rank 0: a scalar with one element
    Shape(std::initializer_list<std::int64_t> dims);
    explicit Shape(std::vector<std::int64_t> dims);

    int rank() const { return rank_; }
    // Extent of axis 0 <= axis < rank(); throws on out of range.
    std::int64_t operator[](int axis) const;
    std::int64_t dim(int axis) const;  // accepts negative axes, throws on out of range
    std::int64_t numel() const;
    std::vector<std::int64_t> dims() const {
        return std::vector<std::int64_t>(dims_.begin(), dims_.begin() + rank_);
    }
    std::string to_string() const;

    bool operator==(const Shape& other) const;
    bool operator!=(const Shape& other) const { return !(*this == other); }

private:
    void assign(const std::int64_t* dims, std::size_t count);

    std::array<std::int64_t, kMaxRank> dims_{};
    int rank_ = 0;
};

// Normalises a possibly negative axis for a tensor of `rank`; throws "[op] axis A out of
// range for rank R" otherwise.
ANVIL_EXPORT int normalize_axis(const char* op, int axis, int rank);

}  // namespace anvil
