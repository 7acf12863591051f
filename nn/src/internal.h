// Internal to libanvil_nn: whole-file reads, the safetensors decoder with a caller-chosen
// message tag (checkpoint errors read "[checkpoint] ...", plain ones "[safetensors] ..."), and
// case-insensitive name parsing.
#pragma once

#include <cctype>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "anvil/nn/safetensors.h"

namespace anvil::nn::detail {

// Reads a regular file whole; throws "[<tag>] <path>: ..." with the errno text.
std::vector<std::byte> read_file_bytes(const std::string& path, const char* tag);

SafetensorsFile decode_safetensors_tagged(const std::vector<std::byte>& bytes, const char* tag,
                                          const std::string& origin);

// Lower-cases ASCII, for case-insensitive names on the command line.
inline std::string lower_ascii(const std::string& text) {
    std::string out = text;
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A double for messages, as a stream prints it ("30", "0.0001", "nan").
inline std::string format_number(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

}  // namespace anvil::nn::detail
