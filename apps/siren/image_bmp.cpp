// BMP: the header, the size of the pixel data and every palette index are checked here, then
// stb_image decodes exactly the bytes the header describes. stb_image alone pads a truncated
// file with zeros and reads an out-of-range index from an uninitialised colour table.
// The checks follow stb_image's own reading of the header (stbi__bmp_parse_header), so both
// agree on where the colour table and the pixels are.
#include "image_decode.h"

namespace anvil::siren::detail {
namespace {

std::uint32_t le16(const std::uint8_t* p) { return static_cast<std::uint32_t>(p[0] | p[1] << 8); }
std::uint32_t le32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

// Pixel `x` of a palette row of `bpp` bits (1, 4 or 8) per pixel, most significant bits first.
unsigned palette_index(const std::uint8_t* row, std::int64_t x, std::int64_t bpp) {
    const std::int64_t bit = x * bpp;
    const unsigned byte = row[bit / 8];
    return (byte >> (8 - bpp - bit % 8)) & ((1u << bpp) - 1);
}

}  // namespace

Image decode_bmp(const ImageBytes& in, const ImageLimits& limits, ImageInfo& info) {
    const std::uint8_t* d = in.data;
    auto truncated = [&](const std::string& what) { image_error(in.name, "truncated BMP: " + what); };
    auto corrupt = [&](const std::string& what) { image_error(in.name, "corrupt BMP: " + what); };
    if (in.size < 18) truncated("the file ends inside its header");
    const std::int64_t offset = le32(d + 10);
    const std::int64_t header = le32(d + 14);
    if (header != 12 && header != 40 && header != 56 && header != 108 && header != 124)
        image_error(in.name, "unsupported BMP: header size " + std::to_string(header) +
                                 " (12, 40, 56, 108 and 124 are read)");
    if (in.size < static_cast<std::size_t>(14 + header)) truncated("the file ends inside its header");
    std::int64_t width = 0, height = 0, planes = 0, bpp = 0, compression = 0;
    if (header == 12) {
        width = le16(d + 18);
        height = le16(d + 20);
        planes = le16(d + 22);
        bpp = le16(d + 24);
    } else {
        width = static_cast<std::int32_t>(le32(d + 18));
        height = static_cast<std::int32_t>(le32(d + 22));  // negative: rows stored top-down
        planes = le16(d + 26);
        bpp = le16(d + 28);
        compression = le32(d + 30);
    }
    if (planes != 1) corrupt(std::to_string(planes) + " colour planes (1 expected)");
    if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
        image_error(in.name, "unsupported BMP: " + std::to_string(bpp) +
                                 " bits per pixel (1, 4, 8, 16, 24 and 32 are read)");
    if (compression == 1 || compression == 2)
        image_error(in.name, "unsupported BMP: run-length compression");
    if (compression != 0 && compression != 3)
        image_error(in.name, "unsupported BMP: compression method " + std::to_string(compression));
    if (compression == 3 && bpp != 16 && bpp != 32)
        corrupt("bit-field compression with " + std::to_string(bpp) + " bits per pixel");
    check_dimensions(in.name, "BMP", width, height < 0 ? -height : height, limits);
    height = height < 0 ? -height : height;

    // Where the pixels start: after the header, the bit-field masks of a 40/56-byte header and
    // the colour table, at the offset the file header gives.
    const bool masks = (header == 40 || header == 56) && compression == 3;
    const std::int64_t header_end = 14 + header + (masks ? 12 : 0);
    if (offset < header_end)
        corrupt("pixel data offset " + std::to_string(offset) + " inside the " +
                std::to_string(header_end) + "-byte header");
    std::int64_t palette = 0;
    if (bpp < 16) {
        // stb_image sizes the colour table from the gap between header and pixels.
        palette = header == 12 ? (offset - 14 - 24) / 3 : (offset - 14 - header) / 4;
        if (palette < 1 || palette > 256)
            corrupt("a colour table of " + std::to_string(palette) + " entries (1 to 256 allowed)");
    }
    const std::int64_t row_bytes = (width * bpp + 31) / 32 * 4;
    const std::int64_t end = offset + row_bytes * height;
    if (end > static_cast<std::int64_t>(in.size))
        truncated(std::to_string(width) + "x" + std::to_string(height) + " pixels at " +
                  std::to_string(bpp) + " bits end at byte " + std::to_string(end) +
                  ", the file has " + std::to_string(in.size));
    if (bpp < 16)
        for (std::int64_t y = 0; y < height; ++y) {
            const std::uint8_t* row = d + offset + y * row_bytes;
            for (std::int64_t x = 0; x < width; ++x)
                if (const unsigned index = palette_index(row, x, bpp); index >= palette)
                    corrupt("palette index " + std::to_string(index) + " out of range (the colour table has " +
                            std::to_string(palette) + " entries)");
        }
    return decode_with_stb(ImageBytes{d, static_cast<std::size_t>(end), in.name}, "BMP", width,
                           height, info);
}

}  // namespace anvil::siren::detail
