// The safetensors file format (Hugging Face), read and written with full validation:
//   8 bytes: header length N, unsigned little-endian
//   N bytes: JSON {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
//                  "__metadata__": {"key": "string value", ...}}, padded with spaces
//   data:    raw little-endian tensors, offsets relative to the end of the header
// Writes are atomic: a temporary file in the same directory, fsync, rename over the target,
// fsync of the directory. A failed or interrupted write leaves the previous file intact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "anvil/dtype.h"
#include "anvil/export.h"
#include "anvil/shape.h"
#include "anvil/tensor.h"

namespace anvil::nn {

// One tensor in host memory: raw little-endian bytes of shape.numel() elements of dtype.
struct HostTensor {
    std::string name;
    DType dtype = DType::f32;
    Shape shape;
    std::vector<std::byte> data;

    // Copies a device tensor to the host (synchronises).
    ANVIL_EXPORT static HostTensor from_tensor(const std::string& name, const Tensor& t);
    // Uploads into `dst`, whose dtype and shape must match; throws "[<context>] ..." otherwise.
    ANVIL_EXPORT void copy_to(Tensor& dst, const std::string& context) const;
};

struct SafetensorsFile {
    std::map<std::string, std::string> metadata;  // "__metadata__": string -> string
    std::vector<HostTensor> tensors;              // written in this order

    // Null when absent.
    ANVIL_EXPORT const HostTensor* find(const std::string& name) const;
};

// Validates names (non-empty, unique, not "__metadata__") and data sizes, then writes
// atomically. Throws "[safetensors] <path>: ..." naming what failed (the errno text for I/O).
ANVIL_EXPORT void write_safetensors(const std::string& path, const SafetensorsFile& file);

// Reads and validates: throws "[safetensors] <path>: ..." for a file that is missing or
// unreadable, not a safetensors file, truncated, with corrupt header JSON, an unknown or
// unsupported dtype (anvil reads F32, F64 and I64), a bad shape, or data_offsets out of range
// (outside the data, overlapping, leaving gaps, or not matching dtype x shape).
ANVIL_EXPORT SafetensorsFile read_safetensors(const std::string& path);

// Serialises to / parses from memory; the file functions above use these. `origin` names
// the source in messages (a path).
ANVIL_EXPORT std::vector<std::byte> encode_safetensors(const SafetensorsFile& file);
ANVIL_EXPORT SafetensorsFile decode_safetensors(const std::vector<std::byte>& bytes,
                                                const std::string& origin);

// Writes bytes to path atomically (temporary file in the same directory, fsync, rename,
// directory fsync); on any failure the temporary file is removed and the target untouched.
// Throws "[<what>] <path>: ..." with the errno text.
ANVIL_EXPORT void write_file_atomically(const std::string& path, const void* data,
                                        std::size_t bytes, const char* what = "write");

}  // namespace anvil::nn
