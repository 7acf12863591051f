// PNG through libspng (Debian's libspng, fuzzed upstream in OSS-Fuzz): every chunk CRC and the
// zlib checksums are checked, the file must run to its IEND chunk, and the dimensions are
// checked against the limits before the pixel buffer is allocated.
#include <spng.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "image_decode.h"

namespace anvil::siren::detail {
namespace {

// Ancillary chunks (text, ICC profiles, ...) that libspng keeps in memory, at most; anvil
// reads none of them. libspng wants this limit at least as large as the chunk size limit.
constexpr std::size_t kChunkCacheBytes = std::size_t{64} << 20;
// PNG's own bound on a chunk's length.
constexpr std::size_t kMaxChunkBytes = 0x7FFFFFFF;

[[noreturn]] void png_error(const std::string& name, int rc) {
    const std::string reason = std::string("(libspng: ") + spng_strerror(rc) + ")";
    if (rc == SPNG_IO_EOF || rc == SPNG_EOF || rc == SPNG_EIDAT_TOO_SHORT)
        image_error(name, "truncated PNG: the file ends early " + reason);
    image_error(name, "corrupt PNG " + reason);
}

// `packed`: rows of width indices of `bits` bits each (1, 2, 4 or 8), most significant first,
// each row starting on a byte.
Image apply_palette(spng_ctx* ctx, const std::string& name, const std::vector<std::uint8_t>& packed,
                    int width, int height, int bits) {
    spng_plte plte{};
    if (const int rc = spng_get_plte(ctx, &plte); rc != 0) png_error(name, rc);
    const std::size_t row_bytes = (static_cast<std::size_t>(width) * static_cast<std::size_t>(bits) + 7) / 8;
    if (packed.size() < row_bytes * static_cast<std::size_t>(height))
        image_error(name, "corrupt PNG: decoded palette data is short");
    std::vector<std::uint8_t> rgb(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
    const unsigned mask = (1u << bits) - 1;
    for (std::size_t y = 0; y < static_cast<std::size_t>(height); ++y)
        for (std::size_t x = 0; x < static_cast<std::size_t>(width); ++x) {
            const std::size_t bit = x * static_cast<std::size_t>(bits);
            const unsigned index = (packed[y * row_bytes + bit / 8] >> (8 - bits - bit % 8)) & mask;
            if (index >= plte.n_entries)
                image_error(name, "corrupt PNG: palette index " + std::to_string(index) +
                                      " out of range (the palette has " +
                                      std::to_string(plte.n_entries) + " entries)");
            const spng_plte_entry& e = plte.entries[index];
            std::uint8_t* out = &rgb[(y * static_cast<std::size_t>(width) + x) * 3];
            out[0] = e.red;
            out[1] = e.green;
            out[2] = e.blue;
        }
    return image_from_samples(rgb.data(), width, height, 3, 3, 255.0f);
}

}  // namespace

Image decode_png(const ImageBytes& in, const ImageLimits& limits, ImageInfo& info) {
    std::unique_ptr<spng_ctx, void (*)(spng_ctx*)> ctx(spng_ctx_new(0), spng_ctx_free);
    if (!ctx) throw std::bad_alloc();
    // A bad CRC in any chunk is an error, not a silently dropped ancillary chunk.
    int rc = spng_set_crc_action(ctx.get(), SPNG_CRC_ERROR, SPNG_CRC_ERROR);
    // No chunk can be longer than the file; a file over 64 MiB may hold one IDAT that long.
    const std::size_t chunk_limit = std::min(in.size, kMaxChunkBytes);
    if (rc == 0)
        rc = spng_set_chunk_limits(ctx.get(), chunk_limit, std::max(chunk_limit, kChunkCacheBytes));
    if (rc == 0) rc = spng_set_png_buffer(ctx.get(), in.data, in.size);
    spng_ihdr ihdr{};
    if (rc == 0) rc = spng_get_ihdr(ctx.get(), &ihdr);
    if (rc != 0) png_error(in.name, rc);
    check_dimensions(in.name, "PNG", ihdr.width, ihdr.height, limits);

    // PNG colour types: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. libspng validated
    // the type and bit depth combination in IHDR.
    int file_channels = 0;
    switch (ihdr.color_type) {
        case 0: file_channels = 1; break;
        case 2: file_channels = 3; break;
        case 3: file_channels = 3; break;
        case 4: file_channels = 2; break;
        case 6: file_channels = 4; break;
        default: image_error(in.name, "corrupt PNG: colour type " + std::to_string(ihdr.color_type));
    }
    const bool sixteen = ihdr.bit_depth == 16;
    // Palette images are decoded to their indices (libspng would map an index past the
    // palette to black) and looked up here.
    const bool palette = ihdr.color_type == 3;
    const int format = palette ? SPNG_FMT_PNG : sixteen ? SPNG_FMT_RGBA16 : SPNG_FMT_RGBA8;
    std::size_t bytes = 0;
    rc = spng_decoded_image_size(ctx.get(), format, &bytes);
    if (rc != 0) png_error(in.name, rc);
    std::vector<std::uint8_t> rgba(bytes);
    rc = spng_decode_image(ctx.get(), rgba.data(), rgba.size(), format, 0);
    // The rest of the file up to IEND: a download cut after the image data is still cut.
    if (rc == 0) rc = spng_decode_chunks(ctx.get());
    if (rc != 0) png_error(in.name, rc);

    const int width = static_cast<int>(ihdr.width), height = static_cast<int>(ihdr.height);
    if (palette) {
        info = ImageInfo{"PNG", file_channels, 8};
        return apply_palette(ctx.get(), in.name, rgba, width, height, ihdr.bit_depth);
    }
    // RGBA samples; grey files keep one channel (R = G = B).
    const int channels = file_channels <= 2 ? 1 : 3;
    Image image = sixteen ? image_from_samples(reinterpret_cast<const std::uint16_t*>(rgba.data()),
                                               width, height, 4, channels, 65535.0f)
                          : image_from_samples(rgba.data(), width, height, 4, channels, 255.0f);
    info = ImageInfo{"PNG", file_channels, sixteen ? 16 : 8};
    return image;
}

}  // namespace anvil::siren::detail
