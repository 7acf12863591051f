// Shape and dtype helpers.
#include "anvil/shape.h"

#include "anvil/dtype.h"
#include "anvil/error.h"

namespace anvil {

namespace {
void check_dims(const std::vector<std::int64_t>& dims) {
    if (dims.size() > static_cast<std::size_t>(Shape::kMaxRank))
        throw Error("[shape] rank " + std::to_string(dims.size()) + " exceeds the maximum of " +
                    std::to_string(Shape::kMaxRank));
    for (std::int64_t d : dims)
        if (d < 0) throw Error("[shape] negative dimension " + std::to_string(d));
}
}  // namespace

Shape::Shape(std::initializer_list<std::int64_t> dims) : dims_(dims) { check_dims(dims_); }
Shape::Shape(std::vector<std::int64_t> dims) : dims_(std::move(dims)) { check_dims(dims_); }

std::int64_t Shape::dim(int axis) const {
    return dims_[static_cast<std::size_t>(normalize_axis("shape", axis, rank()))];
}

std::int64_t Shape::numel() const {
    std::int64_t n = 1;
    for (std::int64_t d : dims_) n *= d;
    return n;
}

std::string Shape::to_string() const {
    std::string s = "(";
    for (std::size_t i = 0; i < dims_.size(); ++i) {
        if (i) s += ",";
        s += std::to_string(dims_[i]);
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
