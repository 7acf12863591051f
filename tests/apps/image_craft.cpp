// Hand-built image files for the tests and the fuzz corpus (see image_craft.h).
#include "image_craft.h"

#include <stb_image_write.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace anvil::siren::test {

Bytes read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), {});
}

void write_file(const std::string& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
}

void put_be32(Bytes& out, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
}
void put_le16(Bytes& out, std::uint32_t v) {
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_le32(Bytes& out, std::uint32_t v) {
    put_le16(out, v & 0xFFFF);
    put_le16(out, v >> 16);
}

std::uint32_t crc32(const std::uint8_t* data, std::size_t n) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < n; ++i) {
        c ^= data[i];
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

Bytes zlib_stored(const Bytes& raw) {
    Bytes z{0x78, 0x01};
    for (std::size_t pos = 0; pos < raw.size() || pos == 0; pos += 65535) {
        const std::size_t n = std::min<std::size_t>(65535, raw.size() - pos);
        z.push_back(pos + n >= raw.size() ? 1 : 0);
        z.push_back(n & 0xFF);
        z.push_back(static_cast<std::uint8_t>(n >> 8));
        z.push_back(~n & 0xFF);
        z.push_back((~n >> 8) & 0xFF);
        z.insert(z.end(), raw.begin() + static_cast<long>(pos), raw.begin() + static_cast<long>(pos + n));
        if (raw.empty()) break;
    }
    std::uint32_t a = 1, b = 0;
    for (std::uint8_t v : raw) {
        a = (a + v) % 65521;
        b = (b + a) % 65521;
    }
    put_be32(z, (b << 16) | a);
    return z;
}

Bytes png_chunk(const char* type, const Bytes& data) {
    Bytes out;
    put_be32(out, static_cast<std::uint32_t>(data.size()));
    Bytes body(type, type + 4);
    body.insert(body.end(), data.begin(), data.end());
    out.insert(out.end(), body.begin(), body.end());
    put_be32(out, crc32(body.data(), body.size()));
    return out;
}

Bytes png_file(std::uint32_t width, std::uint32_t height, int bit_depth, int colour_type,
               const Bytes& scanlines, const Bytes& plte) {
    Bytes png{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    Bytes ihdr;
    put_be32(ihdr, width);
    put_be32(ihdr, height);
    ihdr.insert(ihdr.end(), {static_cast<std::uint8_t>(bit_depth),
                             static_cast<std::uint8_t>(colour_type), 0, 0, 0});
    auto add = [&](const Bytes& chunk) { png.insert(png.end(), chunk.begin(), chunk.end()); };
    add(png_chunk("IHDR", ihdr));
    if (!plte.empty()) add(png_chunk("PLTE", plte));
    add(png_chunk("IDAT", zlib_stored(scanlines)));
    add(png_chunk("IEND", {}));
    return png;
}

Bytes png16_grey(int width, int height, const std::vector<std::uint16_t>& samples) {
    Bytes raw;
    for (int y = 0; y < height; ++y) {
        raw.push_back(0);  // filter: none
        for (int x = 0; x < width; ++x) {
            const std::uint16_t v = samples[static_cast<std::size_t>(y * width + x)];
            raw.push_back(static_cast<std::uint8_t>(v >> 8));
            raw.push_back(static_cast<std::uint8_t>(v & 0xFF));
        }
    }
    return png_file(static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height), 16, 0, raw);
}

Bytes jpeg_file(int width, int height, int channels, const Bytes& samples, int quality) {
    Bytes out;
    auto append = [](void* context, void* data, int size) {
        auto* o = static_cast<Bytes*>(context);
        const auto* p = static_cast<const std::uint8_t*>(data);
        o->insert(o->end(), p, p + size);
    };
    if (!stbi_write_jpg_to_func(append, &out, width, height, channels, samples.data(), quality))
        throw std::runtime_error("stbi_write_jpg_to_func failed");
    return out;
}

std::size_t bmp_row_bytes(std::int32_t width, int bpp) {
    return static_cast<std::size_t>((static_cast<std::int64_t>(width) * bpp + 31) / 32 * 4);
}

Bytes bmp_file(std::int32_t width, std::int32_t height, int bpp, int palette, const Bytes& rows) {
    const std::uint32_t table = bpp <= 8 ? static_cast<std::uint32_t>(palette) * 4 : 0;
    const std::uint32_t offset = 14 + 40 + table;
    Bytes b{'B', 'M'};
    put_le32(b, offset + static_cast<std::uint32_t>(rows.size()));
    put_le32(b, 0);
    put_le32(b, offset);
    put_le32(b, 40);
    put_le32(b, static_cast<std::uint32_t>(width));
    put_le32(b, static_cast<std::uint32_t>(height));
    put_le16(b, 1);
    put_le16(b, static_cast<std::uint32_t>(bpp));
    put_le32(b, 0);  // no compression
    put_le32(b, static_cast<std::uint32_t>(rows.size()));
    put_le32(b, 2835);
    put_le32(b, 2835);
    put_le32(b, bpp <= 8 ? static_cast<std::uint32_t>(palette) : 0);
    put_le32(b, 0);
    for (int i = 0; bpp <= 8 && i < palette; ++i) {
        const auto v = static_cast<std::uint8_t>(palette > 1 ? i * 255 / (palette - 1) : 0);
        b.insert(b.end(), {v, v, v, 0});
    }
    b.insert(b.end(), rows.begin(), rows.end());
    return b;
}

Bytes tga_file(int width, int height, int image_type, int bpp, int map_length, const Bytes& data) {
    const bool mapped = image_type == 1 || image_type == 9;
    Bytes t{0, static_cast<std::uint8_t>(mapped ? 1 : 0), static_cast<std::uint8_t>(image_type)};
    put_le16(t, 0);  // first colour-map entry
    put_le16(t, mapped ? static_cast<std::uint32_t>(map_length) : 0);
    t.push_back(mapped ? 24 : 0);
    put_le16(t, 0);
    put_le16(t, 0);
    put_le16(t, static_cast<std::uint32_t>(width));
    put_le16(t, static_cast<std::uint32_t>(height));
    t.push_back(static_cast<std::uint8_t>(bpp));
    t.push_back(0);
    for (int i = 0; mapped && i < map_length; ++i) {
        const auto v = static_cast<std::uint8_t>(map_length > 1 ? i * 255 / (map_length - 1) : 0);
        t.insert(t.end(), {v, v, v});
    }
    t.insert(t.end(), data.begin(), data.end());
    return t;
}

Bytes pnm_file(char kind, std::int64_t width, std::int64_t height, int maxval, const Bytes& samples) {
    const std::string header = std::string("P") + kind + "\n" + std::to_string(width) + " " +
                               std::to_string(height) + "\n" + std::to_string(maxval) + "\n";
    Bytes out(header.begin(), header.end());
    out.insert(out.end(), samples.begin(), samples.end());
    return out;
}

Bytes gif_file(int width, int height, int colours, const Bytes& indices) {
    int bits = 1;
    while ((1 << bits) < colours) ++bits;
    const int table_bits = bits;  // the colour table has 2^table_bits entries
    const int min_code = std::max(2, bits);
    Bytes g{'G', 'I', 'F', '8', '9', 'a'};
    put_le16(g, static_cast<std::uint32_t>(width));
    put_le16(g, static_cast<std::uint32_t>(height));
    g.push_back(static_cast<std::uint8_t>(0x80 | (table_bits - 1)));  // global table
    g.push_back(0);  // background index
    g.push_back(0);
    for (int i = 0; i < (1 << table_bits); ++i) {
        const auto v = static_cast<std::uint8_t>(i < colours && colours > 1 ? i * 255 / (colours - 1) : 0);
        g.insert(g.end(), {v, v, v});
    }
    g.push_back(',');
    put_le16(g, 0);
    put_le16(g, 0);
    put_le16(g, static_cast<std::uint32_t>(width));
    put_le16(g, static_cast<std::uint32_t>(height));
    g.push_back(0);  // no local table, not interlaced
    g.push_back(static_cast<std::uint8_t>(min_code));
    // Codes of min_code + 1 bits, least significant bit first. A clear code before the table
    // could grow past that width keeps every code the same size: no compression at all.
    const int width_bits = min_code + 1, clear = 1 << min_code;
    const int per_clear = std::max(1, (1 << min_code) - 3);
    Bytes packed;
    std::uint32_t acc = 0;
    int acc_bits = 0;
    auto emit = [&](int code) {
        acc |= static_cast<std::uint32_t>(code) << acc_bits;
        acc_bits += width_bits;
        while (acc_bits >= 8) {
            packed.push_back(static_cast<std::uint8_t>(acc));
            acc >>= 8;
            acc_bits -= 8;
        }
    };
    for (std::size_t i = 0; i < indices.size(); ++i) {
        if (i % static_cast<std::size_t>(per_clear) == 0) emit(clear);
        emit(indices[i]);
    }
    emit(clear + 1);  // end of information
    if (acc_bits > 0) packed.push_back(static_cast<std::uint8_t>(acc));
    for (std::size_t pos = 0; pos < packed.size(); pos += 255) {
        const std::size_t n = std::min<std::size_t>(255, packed.size() - pos);
        g.push_back(static_cast<std::uint8_t>(n));
        g.insert(g.end(), packed.begin() + static_cast<long>(pos), packed.begin() + static_cast<long>(pos + n));
    }
    g.push_back(0);    // end of the frame's data
    g.push_back(';');  // trailer
    return g;
}

std::size_t find_marker(const Bytes& jpeg, std::uint8_t code, std::size_t from) {
    for (std::size_t i = from; i + 1 < jpeg.size(); ++i)
        if (jpeg[i] == 0xFF && jpeg[i + 1] == code) return i;
    return std::string::npos;
}

}  // namespace anvil::siren::test
