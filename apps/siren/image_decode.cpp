// decode_image: recognises the format by its signature and hands the bytes to that format's
// decoder (image_decode.h); formats anvil-siren does not accept are named in the refusal.
// Also the checks and conversions every decoder shares.
#include <algorithm>
#include <cstring>
#include <limits>

#include "anvil/error.h"
#include "image_decode.h"

namespace anvil::siren {
namespace detail {

void image_error(const std::string& name, const std::string& what) {
    throw Error("[image] " + name + ": " + what);
}

void check_dimensions(const std::string& name, const std::string& format, std::int64_t width,
                      std::int64_t height, const ImageLimits& limits) {
    const std::string size = std::to_string(width) + "x" + std::to_string(height);
    if (width < 1 || height < 1)
        image_error(name, format + " header declares a " + size +
                              " image; both sides must be at least 1 pixel");
    // Each side below 2^24 keeps width * height * channels * 4 bytes and every index of the
    // app's Image inside 64-bit products and int rows (2^24 is also stb_image's own bound).
    constexpr std::int64_t kMaxSide = std::int64_t{1} << 24;
    if (width > kMaxSide || height > kMaxSide)
        image_error(name, format + " header declares a " + size + " image; a side may be at most " +
                              std::to_string(kMaxSide) + " pixels");
    if (width * height > limits.max_pixels)
        image_error(name, format + " header declares a " + size + " image (" +
                              std::to_string(width * height) + " pixels), over the limit of " +
                              std::to_string(limits.max_pixels) +
                              " pixels; --max-pixels raises it");
}

template <typename T>
Image image_from_samples(const T* samples, int width, int height, int stride, int channels,
                         float full_scale) {
    Image image(width, height, channels);
    const std::size_t pixels = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    const auto n = static_cast<std::size_t>(channels), step = static_cast<std::size_t>(stride);
    for (std::size_t p = 0; p < pixels; ++p)
        for (std::size_t c = 0; c < n; ++c)
            image.pixels[p * n + c] = static_cast<float>(samples[p * step + c]) / full_scale;
    return image;
}

template Image image_from_samples<std::uint8_t>(const std::uint8_t*, int, int, int, int, float);
template Image image_from_samples<std::uint16_t>(const std::uint16_t*, int, int, int, int, float);

}  // namespace detail

namespace {

bool starts_with(const std::uint8_t* data, std::size_t size, const char* magic,
                 std::size_t offset = 0) {
    const std::size_t n = std::strlen(magic);
    return size >= offset + n && std::memcmp(data + offset, magic, n) == 0;
}

constexpr const char* kAccepted = "PNG, JPEG, GIF, BMP, TGA, binary PGM/PPM";

// Formats recognised by their signature but not accepted, with the reason to give.
const char* refused_format(const std::uint8_t* d, std::size_t n) {
    if (starts_with(d, n, "#?RADIANCE") || starts_with(d, n, "#?RGBE"))
        return "Radiance HDR is not supported";
    if (starts_with(d, n, "8BPS")) return "Photoshop PSD is not supported";
    if (starts_with(d, n, "\x53\x80\xF6\x34")) return "Softimage PIC is not supported";
    if (starts_with(d, n, "RIFF") && starts_with(d, n, "WEBP", 8)) return "WebP is not supported";
    if (starts_with(d, n, "II*") || starts_with(d, n, "MM\x00*")) return "TIFF is not supported";
    if (starts_with(d, n, "P1") || starts_with(d, n, "P2") || starts_with(d, n, "P3") ||
        starts_with(d, n, "P4"))
        return "plain-text or 1-bit PBM/PGM/PPM is not supported (binary P5/P6 is)";
    if (starts_with(d, n, "P7")) return "PAM is not supported";
    return nullptr;
}

}  // namespace

ImageLimits ImageLimits::for_pixels(std::int64_t max_pixels) {
    ImageLimits limits;
    limits.max_pixels = max_pixels;
    limits.max_file_bytes =
        max_pixels > (std::numeric_limits<std::int64_t>::max() / 8) ? std::numeric_limits<std::int64_t>::max()
                                                                   : std::max(kMinFileBytes, 8 * max_pixels);
    return limits;
}

Image decode_image(const std::uint8_t* data, std::size_t size, const std::string& name,
                   const ImageLimits& limits, ImageInfo* info) {
    using namespace detail;
    if (size == 0) image_error(name, "file is empty");
    const ImageBytes in{data, size, name};
    ImageInfo found;
    Image image;
    if (starts_with(data, size, "\x89PNG\r\n\x1A\n")) {
        image = decode_png(in, limits, found);
    } else if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) {
        image = decode_jpeg(in, limits, found);
    } else if (starts_with(data, size, "GIF87a") || starts_with(data, size, "GIF89a")) {
        image = decode_gif(in, limits, found);
    } else if (starts_with(data, size, "BM")) {
        image = decode_bmp(in, limits, found);
    } else if (starts_with(data, size, "P5") || starts_with(data, size, "P6")) {
        image = decode_pnm(in, limits, found);
    } else if (const char* refused = refused_format(data, size)) {
        image_error(name, std::string("unsupported format: ") + refused + " (accepted: " +
                              kAccepted + ")");
    } else if (looks_like_tga(in)) {
        image = decode_tga(in, limits, found);
    } else {
        image_error(name, std::string("not an image anvil-siren can read (accepted: ") +
                              kAccepted + ")");
    }
    if (info) *info = found;
    return image;
}

}  // namespace anvil::siren
