// Tensor shapes: rank 0 (scalar) to kMaxRank, row-major. A Shape knows its element count and
// prints as "(3,4)", the form every error message uses.
#pragma once

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

    int rank() const { return static_cast<int>(dims_.size()); }
    std::int64_t operator[](int axis) const { return dims_.at(static_cast<std::size_t>(axis)); }
    std::int64_t dim(int axis) const;  // accepts negative axes, throws on out of range
    std::int64_t numel() const;
    const std::vector<std::int64_t>& dims() const { return dims_; }
    std::string to_string() const;

    bool operator==(const Shape& other) const { return dims_ == other.dims_; }
    bool operator!=(const Shape& other) const { return dims_ != other.dims_; }

private:
    std::vector<std::int64_t> dims_;
};

// Normalises a possibly negative axis for a tensor of `rank`; throws "[op] axis A out of
// range for rank R" otherwise.
ANVIL_EXPORT int normalize_axis(const char* op, int axis, int rank);

}  // namespace anvil
