// TGA: the header is checked, the pixel data walked (run-length packets included) to prove it
// is all there and every palette index is inside the colour map, then stb_image decodes exactly
// those bytes. stb_image alone decodes a truncated TGA from uninitialised memory and maps an
// out-of-range index to entry 0. The checks follow stb_image's reading (stbi__tga_info/load).
// Header (18 bytes): id length, colour-map type, image type, colour-map first entry (16),
// length (16), entry bits, x/y origin (2 x 16), width (16), height (16), bits per pixel,
// descriptor; then the id, the colour map and the pixels.
#include "image_decode.h"

namespace anvil::siren::detail {
namespace {

std::int64_t le16(const std::uint8_t* p) { return p[0] | p[1] << 8; }

struct TgaHeader {
    std::int64_t id_length, colour_map_type, image_type, map_first, map_length, map_bits, width,
        height, bpp;
    explicit TgaHeader(const std::uint8_t* d)
        : id_length(d[0]), colour_map_type(d[1]), image_type(d[2]), map_first(le16(d + 3)),
          map_length(le16(d + 5)), map_bits(d[7]), width(le16(d + 12)), height(le16(d + 14)),
          bpp(d[16]) {}
    bool indexed() const { return colour_map_type == 1; }
    bool rle() const { return image_type >= 9; }
};

}  // namespace

bool looks_like_tga(const ImageBytes& in) {
    if (in.size < 18) return false;
    const TgaHeader h(in.data);
    const auto one_of = [](std::int64_t v, std::initializer_list<std::int64_t> set) {
        for (const std::int64_t s : set)
            if (v == s) return true;
        return false;
    };
    if (h.colour_map_type == 1)
        return one_of(h.image_type, {1, 9}) && one_of(h.map_bits, {8, 15, 16, 24, 32}) &&
               one_of(h.bpp, {8, 16});
    return h.colour_map_type == 0 && one_of(h.image_type, {2, 3, 10, 11}) &&
           one_of(h.bpp, {8, 15, 16, 24, 32});
}

Image decode_tga(const ImageBytes& in, const ImageLimits& limits, ImageInfo& info) {
    const TgaHeader h(in.data);
    check_dimensions(in.name, "TGA", h.width, h.height, limits);
    if (h.indexed() && h.map_first != 0)
        image_error(in.name, "unsupported TGA: a colour map starting at entry " +
                                 std::to_string(h.map_first));
    if (h.indexed() && h.map_length == 0) image_error(in.name, "corrupt TGA: an empty colour map");
    const std::int64_t entry_bytes = (h.map_bits + 7) / 8;
    const std::int64_t pixel_bytes = (h.bpp + 7) / 8;
    const std::int64_t size = static_cast<std::int64_t>(in.size);
    std::int64_t pos = 18 + h.id_length + (h.indexed() ? h.map_length * entry_bytes : 0);
    const std::int64_t pixels = h.width * h.height;
    auto truncated = [&] {
        image_error(in.name, "truncated TGA: " + std::to_string(h.width) + "x" +
                                 std::to_string(h.height) + " pixels need more than the " +
                                 std::to_string(size) + " bytes in the file");
    };
    // `count` pixels stored one after the other at `pos`: all there, indices in the map.
    auto take = [&](std::int64_t count) {
        if (pos + count * pixel_bytes > size) truncated();
        if (h.indexed())
            for (std::int64_t i = 0; i < count; ++i) {
                const std::uint8_t* p = in.data + pos + i * pixel_bytes;
                const std::int64_t index = pixel_bytes == 1 ? p[0] : le16(p);
                if (index >= h.map_length)
                    image_error(in.name, "corrupt TGA: palette index " + std::to_string(index) +
                                             " out of range (the colour map has " +
                                             std::to_string(h.map_length) + " entries)");
            }
        pos += count * pixel_bytes;
    };
    if (pos > size) truncated();
    if (!h.rle()) {
        take(pixels);
    } else {
        // Packets: a byte n, then either one pixel repeated (n & 127) + 1 times (n >= 128) or
        // (n & 127) + 1 literal pixels.
        for (std::int64_t done = 0; done < pixels;) {
            if (pos >= size) truncated();
            const std::uint8_t packet = in.data[pos++];
            const std::int64_t count = (packet & 127) + 1;
            take(packet >= 128 ? 1 : count);
            done += count;
        }
    }
    return decode_with_stb(ImageBytes{in.data, static_cast<std::size_t>(pos), in.name}, "TGA",
                           h.width, h.height, info);
}

}  // namespace anvil::siren::detail
