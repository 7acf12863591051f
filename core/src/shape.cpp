// Shape and dtype helpers.
#include "anvil/shape.h"

#include "anvil/dtype.h"
#include "anvil/error.h"

namespace anvil {

void Shape::assign(const std::int64_t* dims, std::size_t count) {
    if (count > static_cast<std::size_t>(kMaxRank))
        throw Error("[shape] rank " + std::to_string(count) + " exceeds the maximum of " +
                    std::to_string(kMaxRank));
    for (std::size_t i = 0; i < count; ++i) {
        if (dims[i] < 0) throw Error("[shape] negative dimension " + std::to_string(dims[i]));
        dims_[i] = dims[i];
    }
    rank_ = static_cast<int>(count);
}

Shape::Shape(std::initializer_list<std::int64_t> dims) { assign(dims.begin(), dims.size()); }
Shape::Shape(std::vector<std::int64_t> dims) { assign(dims.data(), dims.size()); }

std::int64_t Shape::operator[](int axis) const {
    if (axis < 0 || axis >= rank_)
        throw Error("[shape] axis " + std::to_string(axis) + " out of range for rank " +
                    std::to_string(rank_));
    return dims_[static_cast<std::size_t>(axis)];
}

std::int64_t Shape::dim(int axis) const {
    return dims_[static_cast<std::size_t>(normalize_axis("shape", axis, rank()))];
}

std::int64_t Shape::numel() const {
    std::int64_t n = 1;
    for (int i = 0; i < rank_; ++i) n *= dims_[static_cast<std::size_t>(i)];
    return n;
}

bool Shape::operator==(const Shape& other) const {
    if (rank_ != other.rank_) return false;
    for (int i = 0; i < rank_; ++i)
        if (dims_[static_cast<std::size_t>(i)] != other.dims_[static_cast<std::size_t>(i)])
            return false;
    return true;
}

std::string Shape::to_string() const {
    std::string s = "(";
    for (int i = 0; i < rank_; ++i) {
        if (i) s += ",";
        s += std::to_string(dims_[static_cast<std::size_t>(i)]);
    }
    return s + ")";
}

int normalize_axis(const char* op, int axis, int rank) {
    const int normalized = axis < 0 ? axis + rank : axis;
    if (normalized < 0 || normalized >= rank)
        throw Error(std::string("[") + op + "] axis " + std::to_string(axis) +
                    " out of range for rank " + std::to_string(rank));
    return normalized;
}

DType parse_dtype(const std::string& name) {
    if (name == "f32" || name == "float32") return DType::f32;
    if (name == "f64" || name == "float64") return DType::f64;
    if (name == "i64" || name == "int64") return DType::i64;
    throw Error("[dtype] unknown dtype '" + name + "' (expected f32, f64 or i64)");
}

}  // namespace anvil
