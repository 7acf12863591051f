// Images on the host for anvil-siren: decoding untrusted image files, resizing, and writing PNG
// atomically. Pixels are floats in [0, 1], interleaved, row-major: pixels: (height, width,
// channels). Each accepted format goes to a decoder chosen for hostile input (docs/siren.md,
// "Image input"): PNG to libspng, JPEG to libjpeg-turbo, GIF (first frame) to giflib, binary
// PGM/PPM to our own reader, BMP and TGA to stb_image only after our own header and size checks
// (stb_image is compiled here with every other decoder left out). Anything else, HDR, PSD and
// PIC included, is refused as an unsupported format.
#pragma once

#include <cstddef>
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
    std::string format;       // "PNG", "JPEG", "GIF", "BMP", "TGA", "PNM"
    int file_channels = 0;    // channels in the file, alpha included
    int bits = 8;             // 8 or 16
};

// Bounds on what a file may make the decoder do. The pixel limit is checked against the
// header's dimensions before any pixel memory is allocated; the byte limit before the file is
// read (a regular file) or while reading it (a pipe).
struct ImageLimits {
    static constexpr std::int64_t kDefaultMaxPixels = std::int64_t{1} << 28;
    static constexpr std::int64_t kMinFileBytes = std::int64_t{1} << 30;
    std::int64_t max_pixels = kDefaultMaxPixels;
    std::int64_t max_file_bytes = kMinFileBytes;

    // Limits for `--max-pixels N`: the file may then be as large as an uncompressed 16-bit
    // RGBA image of N pixels (8 bytes each), and at least 1 GiB.
    static ImageLimits for_pixels(std::int64_t max_pixels);
};

// Decodes an image held in memory as grey (1 channel) or RGB (3); an alpha channel is dropped.
// `name` is the path used in messages. Throws anvil::Error "[image] <name>: ..." for an empty,
// truncated, corrupt, unsupported or non-image file, a zero or over-limit dimension, a bad bit
// depth or channel count, or an out-of-range palette index. Never reads outside
// [data, data + size); the fuzzer tests/fuzz/fuzz_image.cpp calls this.
Image decode_image(const std::uint8_t* data, std::size_t size, const std::string& name,
                   const ImageLimits& limits = {}, ImageInfo* info = nullptr);

// Reads `path` (a directory, a device, or a file over limits.max_file_bytes is refused before
// reading) and decodes it with decode_image. Throws "[image] <path>: ..." for a missing or
// unreadable file too.
Image load_image(const std::string& path, ImageInfo* info = nullptr,
                 const ImageLimits& limits = {});

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
