// Images on the host for anvil-siren: loading any format stb_image reads (PNG, JPEG, BMP, TGA,
// GIF's first frame; 8 or 16 bits; alpha dropped), resizing, and writing PNG atomically.
// Pixels are floats in [0, 1], interleaved, row-major: pixels: (height, width, channels).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace anvil::siren {

struct Image {
    int width = 0;
    int height = 0;
    int channels = 0;           // 1 (grey) or 3 (RGB)
    std::vector<float> pixels;  // (height, width, channels), in [0, 1]

    Image() = default;
    Image(int w, int h, int c)
        : width(w), height(h), channels(c), pixels(static_cast<std::size_t>(w) * h * c, 0.0f) {}
    std::int64_t pixel_count() const { return std::int64_t{width} * height; }
    std::size_t index(int x, int y, int c) const {
        return (static_cast<std::size_t>(y) * width + x) * channels + c;
    }
    float& at(int x, int y, int c) { return pixels[index(x, y, c)]; }
    float at(int x, int y, int c) const { return pixels[index(x, y, c)]; }
};

// What load_image found in the file, for the summary and the log.
struct ImageInfo {
    std::string format;       // "PNG", "JPEG", ...
    int file_channels = 0;    // channels in the file, alpha included
    int bits = 8;             // 8 or 16
};

// Loads `path` as grey (1 channel) or RGB (3); an alpha channel is dropped. Throws
// anvil::Error "[image] <path>: ..." for a missing, unreadable, empty, truncated, corrupt or
// non-image file.
Image load_image(const std::string& path, ImageInfo* info = nullptr);

// Resamples to width x height (stb_image_resize: Mitchell down, Catmull-Rom up), clamped
// to [0, 1].
Image resize_image(const Image& image, int width, int height);

// The largest size with the image's aspect ratio whose longer side is at most `side`
// (the image's own size when it already fits).
void fit_within(int width, int height, int side, int& out_width, int& out_height);

// 8-bit grey or RGB samples (rounded, clamped; NaN becomes 0).
std::vector<std::uint8_t> to_bytes(const Image& image);
// The image as 3 channels (grey repeated).
Image to_rgb(const Image& image);

// Encodes as PNG and writes atomically (temp file, fsync, rename): an existing file at `path`
// survives any failure. Throws "[png] <path>: ..." on failure.
void write_png(const std::string& path, const Image& image);

}  // namespace anvil::siren
