// Fuzz harness: the safetensors decoder (nn/src/safetensors.cpp) on arbitrary bytes. It must
// either return a file or throw anvil::Error; anything else (a crash, a sanitizer report, an
// exception of another type) is a finding. A file it accepts must survive encode -> decode
// unchanged, so a header the decoder misreads without failing is a finding too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "anvil/error.h"
#include "anvil/nn/safetensors.h"

namespace {

bool same(const anvil::nn::SafetensorsFile& a, const anvil::nn::SafetensorsFile& b) {
    if (a.metadata != b.metadata || a.tensors.size() != b.tensors.size()) return false;
    for (std::size_t i = 0; i < a.tensors.size(); ++i) {
        const auto& x = a.tensors[i];
        const auto& y = b.tensors[i];
        if (x.name != y.name || x.dtype != y.dtype || x.shape != y.shape || x.data != y.data)
            return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto* begin = reinterpret_cast<const std::byte*>(data);
    const std::vector<std::byte> bytes(begin, begin + size);
    anvil::nn::SafetensorsFile file;
    try {
        file = anvil::nn::decode_safetensors(bytes, "fuzz.safetensors");
    } catch (const anvil::Error&) {
        return 0;  // refused with a message: what the decoder is for
    }
    std::vector<std::byte> encoded;
    try {
        encoded = anvil::nn::encode_safetensors(file);
    } catch (const anvil::Error&) {
        return 0;  // e.g. an empty tensor name, legal in the format, refused by the writer
    }
    if (!same(file, anvil::nn::decode_safetensors(encoded, "re-encoded"))) std::abort();
    return 0;
}
