// Element types. f32 is required of every backend; f64 where a backend declares it through
// Device::supports. i64 only carries argmax results (fill, copy and host transfers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "anvil/export.h"

namespace anvil {

enum class DType : std::uint8_t { f32 = 0, f64 = 1, i64 = 2 };

inline constexpr std::size_t dtype_size(DType t) {
    return t == DType::f32 ? 4 : 8;
}

inline constexpr const char* dtype_name(DType t) {
    switch (t) {
        case DType::f32: return "f32";
        case DType::f64: return "f64";
        case DType::i64: return "i64";
    }
    return "?";
}

inline constexpr bool is_floating(DType t) { return t == DType::f32 || t == DType::f64; }

// Maps a C++ element type to its DType, for typed host transfers.
template <typename T> struct dtype_of;
template <> struct dtype_of<float> { static constexpr DType value = DType::f32; };
template <> struct dtype_of<double> { static constexpr DType value = DType::f64; };
template <> struct dtype_of<std::int64_t> { static constexpr DType value = DType::i64; };

// Parses "f32" / "f64" / "i64"; throws anvil::Error otherwise.
ANVIL_EXPORT DType parse_dtype(const std::string& name);

}  // namespace anvil
