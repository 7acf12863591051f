// The only stb_image code in anvil-siren: its BMP and TGA decoders, compiled from Debian's
// libstb-dev header with every other format left out (STBI_ONLY_*), so that the JPEG decoder
// with the known heap overflow (nothings/stb #1289) is not in the binary at all. The functions
// are static (STB_IMAGE_STATIC): no clash with libstb.so, which the app still links for
// stb_image_resize and stb_image_write. Compiled without anvil's warning flags (third-party code).
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_BMP
#define STBI_ONLY_TGA
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#include <stb_image.h>

#include "image_decode.h"

#include <climits>
#include <memory>

namespace anvil::siren::detail {

Image decode_with_stb(const ImageBytes& in, const std::string& format, std::int64_t width,
                      std::int64_t height, ImageInfo& info) {
    if (in.size > static_cast<std::size_t>(INT_MAX))
        image_error(in.name, format + " data over 2 GiB, more than its decoder reads");
    int w = 0, h = 0, file_channels = 0;
    std::unique_ptr<unsigned char, void (*)(void*)> pixels(
        stbi_load_from_memory(in.data, static_cast<int>(in.size), &w, &h, &file_channels, 0),
        stbi_image_free);
    if (!pixels)
        image_error(in.name, "corrupt " + format + " (stb_image: " + stbi_failure_reason() + ")");
    // The caller's header check and stb_image's must agree; a difference is a corrupt file
    // that fooled one of them.
    if (w != width || h != height || file_channels < 1 || file_channels > 4)
        image_error(in.name, "corrupt " + format + ": decoded as " + std::to_string(w) + "x" +
                                 std::to_string(h) + " with " + std::to_string(file_channels) +
                                 " channels, the header says " + std::to_string(width) + "x" +
                                 std::to_string(height));
    info = ImageInfo{format, file_channels, 8};
    return image_from_samples(pixels.get(), w, h, file_channels, file_channels <= 2 ? 1 : 3, 255.0f);
}

}  // namespace anvil::siren::detail
