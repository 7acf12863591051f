// The safetensors format: encoding, a decoder that validates every field before trusting it,
// and host copies of device tensors. Layout: u64 little-endian header length N, N bytes of
// JSON (space-padded so the data starts 8-byte aligned), then the tensors' raw bytes.
#include "anvil/nn/safetensors.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "anvil/error.h"
#include "anvil/ops.h"
#include "internal.h"

namespace anvil::nn {

// Tensor bytes are copied verbatim between memory and file, which is little-endian.
static_assert(std::endian::native == std::endian::little,
              "anvil's safetensors I/O assumes a little-endian host");

namespace {
using nlohmann::json;

// The Python library's own bound on a header; anything larger is not a safetensors file.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;
constexpr const char* kMetadataKey = "__metadata__";

const char* st_dtype(DType t) {
    switch (t) {
        case DType::f32:
            return "F32";
        case DType::f64:
            return "F64";
        case DType::i64:
            return "I64";
    }
    return "?";
}

// Every dtype the format defines; anvil reads three of them.
constexpr const char* kKnownDtypes[] = {"BOOL", "U8",  "I8",  "F8_E5M2", "F8_E4M3",
                                        "I16",  "U16", "F16", "BF16",    "I32",
                                        "U32",  "F32", "F64", "I64",     "U64"};

// Bytes of a tensor (shapes come from validated headers or live tensors: no overflow).
std::uint64_t byte_size(const Shape& shape, DType dtype) {
    return static_cast<std::uint64_t>(shape.numel()) * dtype_size(dtype);
}

struct Entry {
    HostTensor tensor;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

class Decoder {
public:
    Decoder(const std::vector<std::byte>& bytes, const char* tag, const std::string& origin)
        : bytes_(bytes), prefix_(std::string("[") + tag + "] " + origin + ": ") {}

    SafetensorsFile decode() {
        const json header = parse_header();
        SafetensorsFile out;
        std::vector<Entry> entries;
        for (const auto& [name, value] : header.items()) {
            if (name == kMetadataKey)
                read_metadata(value, out);
            else
                entries.push_back(read_entry(name, value));
        }
        place_data(entries, out);
        return out;
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw Error(prefix_ + what); }

    json parse_header() {
        const std::size_t size = bytes_.size();
        if (size < 8)
            fail("not a safetensors file (" + std::to_string(size) +
                 " bytes, shorter than the 8-byte header length)");
        std::uint64_t len = 0;
        std::memcpy(&len, bytes_.data(), 8);
        if (len < 2 || len > kMaxHeaderBytes)
            fail("not a safetensors file (header length " + std::to_string(len) +
                 " is implausible)");
        if (size > 8 && static_cast<char>(bytes_[8]) != '{')
            fail("not a safetensors file (no JSON header after the length)");
        if (len > size - 8)
            fail("truncated: the header needs " + std::to_string(len) + " bytes, the file has " +
                 std::to_string(size - 8) + " after the length");
        data_begin_ = 8 + static_cast<std::size_t>(len);
        const char* begin = reinterpret_cast<const char*>(bytes_.data()) + 8;
        json header;
        try {
            header = json::parse(begin, begin + len);
        } catch (const json::exception& e) {
            std::string why = e.what();  // drop nlohmann's "[json.exception.parse_error.101] "
            if (const auto close = why.find("] "); close != std::string::npos)
                why.erase(0, close + 2);
            fail("corrupt header JSON: " + why);
        }
        if (!header.is_object()) fail("corrupt header JSON: not a JSON object");
        return header;
    }

    void read_metadata(const json& value, SafetensorsFile& out) const {
        if (!value.is_object())
            fail("corrupt header JSON: __metadata__ must be an object of strings");
        for (const auto& [key, item] : value.items()) {
            if (!item.is_string())
                fail("corrupt header JSON: __metadata__ value of '" + key + "' is not a string");
            out.metadata[key] = item.get<std::string>();
        }
    }

    Entry read_entry(const std::string& name, const json& value) const {
        const std::string who = "tensor '" + name + "'";
        if (!value.is_object()) fail("corrupt header JSON: " + who + " is not an object");
        const auto field = [&](const char* key) -> const json& {
            const auto it = value.find(key);
            if (it == value.end()) fail("corrupt header JSON: " + who + " lacks '" + key + "'");
            return *it;
        };
        const json& dtype = field("dtype");
        const json& shape = field("shape");
        const json& offsets = field("data_offsets");
        if (!dtype.is_string()) fail("corrupt header JSON: " + who + " dtype is not a string");
        Entry entry;
        entry.tensor.name = name;
        entry.tensor.dtype = parse_dtype_name(who, dtype.get<std::string>());
        if (!shape.is_array() || shape.size() > static_cast<std::size_t>(Shape::kMaxRank))
            fail("corrupt header JSON: " + who + " shape is not a list of at most " +
                 std::to_string(Shape::kMaxRank) + " dimensions");
        std::vector<std::int64_t> dims;
        std::uint64_t numel = 1;
        for (const json& d : shape) {
            // A dimension above 2^40 cannot be backed by any file we would read.
            if (!d.is_number_unsigned() || d.get<std::uint64_t>() > (1ULL << 40))
                fail("corrupt header JSON: " + who + " has a bad dimension " + d.dump());
            numel *= std::max<std::uint64_t>(d.get<std::uint64_t>(), 1);
            if (numel > (1ULL << 40)) fail("corrupt header JSON: " + who + " is too large");
            dims.push_back(d.get<std::int64_t>());
        }
        entry.tensor.shape = Shape(std::move(dims));
        if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
            !offsets[1].is_number_unsigned())
            fail("corrupt header JSON: " + who + " data_offsets is not [begin, end]");
        entry.begin = offsets[0].get<std::uint64_t>();
        entry.end = offsets[1].get<std::uint64_t>();
        const std::uint64_t need = byte_size(entry.tensor.shape, entry.tensor.dtype);
        if (entry.end < entry.begin || entry.end - entry.begin != need)
            fail("data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) +
                 "] of " + who + " out of range: " + st_dtype(entry.tensor.dtype) + " " +
                 entry.tensor.shape.to_string() + " needs " + std::to_string(need) + " bytes");
        return entry;
    }

    DType parse_dtype_name(const std::string& who, const std::string& name) const {
        if (name == "F32") return DType::f32;
        if (name == "F64") return DType::f64;
        if (name == "I64") return DType::i64;
        for (const char* known : kKnownDtypes)
            if (name == known)
                fail(who + " has dtype " + name + ", which anvil does not read (F32, F64, I64)");
        fail(who + " has unknown dtype '" + name + "'");
    }

    // The tensors must tile the data section exactly, in some order, as the format demands.
    void place_data(std::vector<Entry>& entries, SafetensorsFile& out) const {
        std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
            return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
        });
        std::uint64_t expected = 0;
        for (const Entry& e : entries) {
            if (e.begin != expected)
                fail("data_offsets of tensor '" + e.tensor.name + "' out of range: it starts at " +
                     std::to_string(e.begin) + ", the previous tensor ends at " +
                     std::to_string(expected) + " (overlap or gap)");
            expected = e.end;
        }
        const std::uint64_t available = bytes_.size() - data_begin_;
        if (expected > available)
            fail("truncated: the header describes " + std::to_string(expected) +
                 " data bytes, the file holds " + std::to_string(available));
        if (expected < available)
            fail("data_offsets out of range: the tensors cover " + std::to_string(expected) +
                 " data bytes but the file holds " + std::to_string(available));
        for (Entry& e : entries) {
            const auto* src = bytes_.data() + data_begin_ + e.begin;
            e.tensor.data.assign(src, src + (e.end - e.begin));
            out.tensors.push_back(std::move(e.tensor));
        }
    }

    const std::vector<std::byte>& bytes_;
    std::string prefix_;
    std::size_t data_begin_ = 0;
};
}  // namespace

HostTensor HostTensor::from_tensor(const std::string& name, const Tensor& t) {
    if (!t.defined()) throw Error("[safetensors] tensor '" + name + "' is undefined");
    HostTensor host;
    host.name = name;
    host.dtype = t.dtype();
    host.shape = t.shape();
    host.data.resize(t.nbytes());
    t.to_host(host.data.data(), host.data.size());
    return host;
}

void HostTensor::copy_to(Tensor& dst, const std::string& context) const {
    if (!dst.defined() || dst.dtype() != dtype || dst.shape() != shape)
        throw Error("[" + context + "] tensor '" + name + "' is " + dtype_name(dtype) + " " +
                    shape.to_string() + ", the destination " +
                    (dst.defined() ? dst.describe() : std::string("is undefined")));
    copy_into(Tensor::from_host(data.data(), shape, dtype, dst.device_ptr()), dst);
}

const HostTensor* SafetensorsFile::find(const std::string& name) const {
    for (const HostTensor& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

std::vector<std::byte> encode_safetensors(const SafetensorsFile& file) {
    json header = json::object();
    std::set<std::string> names;
    std::uint64_t offset = 0;
    for (const HostTensor& t : file.tensors) {
        if (t.name.empty() || t.name == kMetadataKey || !names.insert(t.name).second)
            throw Error("[safetensors] tensor name '" + t.name +
                        "' is empty, reserved or repeated");
        if (t.data.size() != byte_size(t.shape, t.dtype))
            throw Error("[safetensors] tensor '" + t.name + "' holds " +
                        std::to_string(t.data.size()) + " bytes, " + dtype_name(t.dtype) + " " +
                        t.shape.to_string() + " needs " +
                        std::to_string(byte_size(t.shape, t.dtype)));
        header[t.name] = {{"dtype", st_dtype(t.dtype)},
                          {"shape", t.shape.dims()},
                          {"data_offsets", {offset, offset + t.data.size()}}};
        offset += t.data.size();
    }
    if (!file.metadata.empty()) header[kMetadataKey] = file.metadata;
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');  // the data then starts 8-byte aligned
    std::vector<std::byte> out(8 + text.size() + offset);
    const std::uint64_t len = text.size();
    std::memcpy(out.data(), &len, 8);
    std::memcpy(out.data() + 8, text.data(), text.size());
    std::size_t at = 8 + text.size();
    for (const HostTensor& t : file.tensors) {
        if (t.data.empty()) continue;  // memcpy from an empty vector's null data is undefined
        std::memcpy(out.data() + at, t.data.data(), t.data.size());
        at += t.data.size();
    }
    return out;
}

SafetensorsFile decode_safetensors(const std::vector<std::byte>& bytes, const std::string& origin) {
    return detail::decode_safetensors_tagged(bytes, "safetensors", origin);
}

void write_safetensors(const std::string& path, const SafetensorsFile& file) {
    const std::vector<std::byte> bytes = encode_safetensors(file);
    write_file_atomically(path, bytes.data(), bytes.size(), "safetensors");
}

SafetensorsFile read_safetensors(const std::string& path) {
    return detail::decode_safetensors_tagged(detail::read_file_bytes(path, "safetensors"),
                                             "safetensors", path);
}

namespace detail {
SafetensorsFile decode_safetensors_tagged(const std::vector<std::byte>& bytes, const char* tag,
                                          const std::string& origin) {
    return Decoder(bytes, tag, origin).decode();
}
}  // namespace detail

}  // namespace anvil::nn
