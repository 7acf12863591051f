// Image loading, resizing and PNG writing for anvil-siren, on Debian's libstb (stb_image,
// stb_image_resize, stb_image_write compiled into libstb.so). Every failure becomes one line
// naming the file and what is wrong with it.
#include "image.h"

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>

#include "anvil/error.h"
#include "anvil/nn/safetensors.h"

namespace anvil::siren {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw Error("[image] " + path + ": " + what);
}

std::vector<std::uint8_t> read_all(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) fail(path, "is a directory, not an image");
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) fail(path, std::string("cannot open: ") + std::strerror(errno));
    std::vector<std::uint8_t> bytes;
    std::uint8_t chunk[1 << 16];
    std::size_t n = 0;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
    const bool error = std::ferror(f) != 0;
    const int saved_errno = errno;
    std::fclose(f);
    if (error) fail(path, std::string("read error: ") + std::strerror(saved_errno));
    return bytes;
}

bool starts_with(const std::vector<std::uint8_t>& b, const char* magic) {
    const std::size_t n = std::strlen(magic);
    return b.size() >= n && std::memcmp(b.data(), magic, n) == 0;
}

std::string detect_format(const std::vector<std::uint8_t>& b) {
    if (starts_with(b, "\x89PNG")) return "PNG";
    if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "JPEG";
    if (starts_with(b, "GIF8")) return "GIF";
    if (starts_with(b, "BM")) return "BMP";
    if (starts_with(b, "8BPS")) return "PSD";
    if (starts_with(b, "#?RADIANCE") || starts_with(b, "#?RGBE")) return "HDR";
    if (starts_with(b, "P5") || starts_with(b, "P6")) return "PNM";
    return "TGA";  // the one format without a signature; stb_image checks its header fields
}

// stb_image decodes a JPEG cut short by padding it with zeros, so a truncated download would
// train on a half-grey image. A complete JPEG ends its last scan (SOS, FFDA) with an
// end-of-image marker (FFD9); entropy-coded data never contains FFD9 (0xFF is stuffed).
bool jpeg_looks_complete(const std::vector<std::uint8_t>& b) {
    std::size_t last_sos = 0;
    for (std::size_t i = 0; i + 1 < b.size(); ++i)
        if (b[i] == 0xFF && b[i + 1] == 0xDA) last_sos = i;
    for (std::size_t i = last_sos; i + 1 < b.size(); ++i)
        if (b[i] == 0xFF && b[i + 1] == 0xD9) return true;
    return false;
}

int stbi_size(const std::vector<std::uint8_t>& b) {
    return static_cast<int>(b.size());
}

}  // namespace

Image load_image(const std::string& path, ImageInfo* info) {
    const std::vector<std::uint8_t> bytes = read_all(path);
    if (bytes.empty()) fail(path, "file is empty");
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        fail(path, "file is larger than 2 GiB, which stb_image cannot read");
    int w = 0, h = 0, file_channels = 0;
    if (!stbi_info_from_memory(bytes.data(), stbi_size(bytes), &w, &h, &file_channels))
        fail(path, std::string("not an image anvil-siren can read (PNG, JPEG, BMP, TGA, GIF): ") +
                       stbi_failure_reason());
    const std::string format = detect_format(bytes);
    if (format == "JPEG" && !jpeg_looks_complete(bytes))
        fail(path, "truncated JPEG (no end-of-image marker after the last scan)");

    // Grey and grey+alpha load as grey, RGB and RGBA as RGB: stb drops the alpha channel.
    const int channels = file_channels <= 2 ? 1 : 3;
    const bool sixteen = stbi_is_16_bit_from_memory(bytes.data(), stbi_size(bytes)) != 0;
    Image image;
    int got_channels = 0;
    auto take = [&](auto* data, float full_scale) {
        if (!data)
            fail(path, std::string("truncated or corrupt ") + format + " data (stb_image: " +
                           stbi_failure_reason() + ")");
        image = Image(w, h, channels);
        for (std::size_t i = 0; i < image.pixels.size(); ++i)
            image.pixels[i] = static_cast<float>(data[i]) / full_scale;
        stbi_image_free(data);
    };
    if (sixteen)
        take(stbi_load_16_from_memory(bytes.data(), stbi_size(bytes), &w, &h, &got_channels,
                                      channels), 65535.0f);
    else
        take(stbi_load_from_memory(bytes.data(), stbi_size(bytes), &w, &h, &got_channels,
                                   channels), 255.0f);
    if (info) *info = ImageInfo{format, file_channels, sixteen ? 16 : 8};
    return image;
}

Image resize_image(const Image& image, int width, int height) {
    if (width == image.width && height == image.height) return image;
    Image out(width, height, image.channels);
    if (!stbir_resize_float(image.pixels.data(), image.width, image.height, 0, out.pixels.data(),
                            width, height, 0, image.channels))
        throw Error("[resize] cannot resize " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + " to " + std::to_string(width) + "x" +
                    std::to_string(height));
    // The cubic filters overshoot a little at edges.
    for (float& p : out.pixels) p = std::clamp(p, 0.0f, 1.0f);
    return out;
}

void fit_within(int width, int height, int side, int& out_width, int& out_height) {
    if (width <= side && height <= side) {
        out_width = width;
        out_height = height;
        return;
    }
    const double scale = static_cast<double>(side) / std::max(width, height);
    out_width = std::max(1, static_cast<int>(std::lround(width * scale)));
    out_height = std::max(1, static_cast<int>(std::lround(height * scale)));
}

std::vector<std::uint8_t> to_bytes(const Image& image) {
    std::vector<std::uint8_t> out(image.pixels.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const float p = image.pixels[i];
        out[i] = std::isnan(p) ? 0 : static_cast<std::uint8_t>(std::lround(std::clamp(p, 0.0f, 1.0f) * 255.0f));
    }
    return out;
}

Image to_rgb(const Image& image) {
    if (image.channels == 3) return image;
    Image out(image.width, image.height, 3);
    for (std::size_t i = 0; i < image.pixels.size(); ++i)
        for (std::size_t c = 0; c < 3; ++c) out.pixels[i * 3 + c] = image.pixels[i];
    return out;
}

void write_png(const std::string& path, const Image& image) {
    const std::vector<std::uint8_t> bytes = to_bytes(image);
    std::vector<std::uint8_t> png;
    auto append = [](void* context, void* data, int size) {
        auto* out = static_cast<std::vector<std::uint8_t>*>(context);
        const auto* p = static_cast<const std::uint8_t*>(data);
        out->insert(out->end(), p, p + size);
    };
    if (!stbi_write_png_to_func(append, &png, image.width, image.height, image.channels,
                                bytes.data(), image.width * image.channels))
        throw Error("[png] " + path + ": cannot encode a " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + " image");
    nn::write_file_atomically(path, png.data(), png.size(), "png");
}

}  // namespace anvil::siren
