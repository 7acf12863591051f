// anvil-siren's image decoders on hand-built files (image_craft.h): exact pixel values for
// every accepted format and variant (palettes of 1 to 8 bits, top-down rows, run-length TGA,
// 16-bit and odd-maxval PGM/PPM, GIF), the pixel and byte limits (a pipe included), and the
// names of the temporary files a later run may remove.
#include <gtest/gtest.h>

#include <spng.h>
#include <sys/stat.h>

#include <cmath>
#include <functional>
#include <memory>
#include <thread>

#include "anvil/error.h"
#include "image.h"
#include "image_craft.h"
#include "siren_test_util.h"
#include "stale_temp_files.h"

namespace anvil::siren::test {
namespace {

Image decode(const Bytes& bytes, ImageInfo* info = nullptr, ImageLimits limits = {}) {
    return decode_image(bytes.data(), bytes.size(), "mem", limits, info);
}

// The image's first channel, row by row, as 0..255 (or 0..full) integers.
std::vector<int> levels(const Image& image, float full = 255.0f) {
    std::vector<int> out;
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x)
            out.push_back(static_cast<int>(std::lround(image.at(x, y, 0) * full)));
    return out;
}

TEST(SirenImageDecode, BmpPalettesTopDownAndTrueColour) {
    ImageInfo info;
    // 8-bit indices into a 4-entry grey table (0, 85, 170, 255); rows are stored bottom-up.
    const Image p8 = decode(bmp_file(4, 2, 8, 4, {0, 1, 2, 3, 3, 3, 0, 0}), &info);
    EXPECT_EQ(info.format, "BMP");
    EXPECT_EQ(levels(p8), (std::vector<int>{255, 255, 0, 0, 0, 85, 170, 255}));
    // 1-bit: most significant bit first, rows padded to 4 bytes.
    const Image p1 = decode(bmp_file(10, 1, 1, 2, {0b10110000, 0b01000000, 0, 0}));
    EXPECT_EQ(levels(p1), (std::vector<int>{255, 0, 255, 255, 0, 0, 0, 0, 0, 255}));
    // 4-bit
    const Image p4 = decode(bmp_file(3, 1, 4, 16, {0x0F, 0x10, 0, 0}));
    EXPECT_EQ(levels(p4), (std::vector<int>{0, 255, 17}));
    // 24-bit BGR, negative height: the first row stored is the top one.
    const Image rgb = decode(bmp_file(2, -2, 24, 0, {1, 2, 3, 4, 5, 6, 0, 0, 7, 8, 9, 10, 11, 12, 0, 0}));
    ASSERT_EQ(rgb.channels, 3);
    EXPECT_FLOAT_EQ(rgb.at(0, 0, 0), 3 / 255.0f);  // R of the first stored pixel
    EXPECT_FLOAT_EQ(rgb.at(1, 0, 2), 4 / 255.0f);  // B of the second
    EXPECT_FLOAT_EQ(rgb.at(0, 1, 1), 8 / 255.0f);
}

TEST(SirenImageDecode, TgaRunLengthColourMapAndTrueColour) {
    ImageInfo info;
    // Grey run-length: a pixel of 90 repeated 4 times, then 2 literal pixels; bottom row first.
    const Image rle = decode(tga_file(3, 2, 11, 8, 0, {0x83, 90, 0x01, 10, 250}), &info);
    EXPECT_EQ(info.format, "TGA");
    ASSERT_EQ(rle.channels, 1);
    EXPECT_EQ(levels(rle), (std::vector<int>{90, 10, 250, 90, 90, 90}));
    // Colour-mapped: a 3-entry grey map (0, 127, 255).
    const Image mapped = decode(tga_file(3, 2, 1, 8, 3, {0, 1, 2, 2, 1, 0}));
    EXPECT_EQ(levels(mapped), (std::vector<int>{255, 127, 0, 0, 127, 255}));
    // True colour BGR.
    const Image rgb = decode(tga_file(1, 1, 2, 24, 0, {10, 20, 30}));
    ASSERT_EQ(rgb.channels, 3);
    EXPECT_FLOAT_EQ(rgb.at(0, 0, 0), 30 / 255.0f);
    EXPECT_FLOAT_EQ(rgb.at(0, 0, 2), 10 / 255.0f);
}

TEST(SirenImageDecode, PnmScalesByMaxvalIncludingSixteenBits) {
    ImageInfo info;
    const Image pgm = decode(pnm_file('5', 3, 1, 1000, {0, 0, 3, 232, 1, 244}), &info);
    EXPECT_EQ(info.format, "PGM");
    EXPECT_EQ(info.bits, 16);
    EXPECT_EQ(levels(pgm, 1000.0f), (std::vector<int>{0, 1000, 500}));
    const Image ppm = decode(pnm_file('6', 1, 1, 100, {100, 50, 0}), &info);
    EXPECT_EQ(info.format, "PPM");
    ASSERT_EQ(ppm.channels, 3);
    EXPECT_FLOAT_EQ(ppm.at(0, 0, 1), 0.5f);
    // Comments and any whitespace between the fields.
    const std::string commented = "P5 # a comment\n2\t# another\n1 255\n";
    Bytes c(commented.begin(), commented.end());
    c.insert(c.end(), {7, 200});
    EXPECT_EQ(levels(decode(c)), (std::vector<int>{7, 200}));
}

TEST(SirenImageDecode, GifAndPngPalettes) {
    ImageInfo info;
    const Image gif = decode(gif_file(3, 2, 4, {0, 1, 2, 3, 2, 1}), &info);
    EXPECT_EQ(info.format, "GIF");
    EXPECT_EQ(levels(gif), (std::vector<int>{0, 85, 170, 255, 170, 85}));
    // A GIF with 200 colours: 8-bit codes.
    Bytes many(200);
    for (std::size_t i = 0; i < many.size(); ++i) many[i] = static_cast<std::uint8_t>(199 - i);
    const Image wide = decode(gif_file(20, 10, 200, many));
    EXPECT_EQ(levels(wide)[0], 255);
    EXPECT_EQ(levels(wide)[199], 0);
    // 2-bit palette PNG: indices 0 1 2 3 1 packed into one byte and a half.
    const Image png = decode(png_file(5, 1, 2, 3, {0, 0b00011011, 0b01000000},
                                      {0, 0, 0, 50, 50, 50, 100, 100, 100, 255, 255, 255}),
                             &info);
    EXPECT_EQ(info.format, "PNG");
    EXPECT_EQ(levels(png), (std::vector<int>{0, 50, 100, 255, 50}));
}

// libjpeg warnings that do not mean damaged data leave the image usable: here an unknown JFIF
// major version. (Damage and truncation are errors: test_cli_bad_inputs.cpp.)
TEST(SirenImageDecode, JpegHarmlessWarningIsNotAnError) {
    Bytes grey(64);
    for (std::size_t i = 0; i < grey.size(); ++i) grey[i] = static_cast<std::uint8_t>(i * 4);
    Bytes jpeg = jpeg_file(8, 8, 1, grey, 95);
    const std::size_t app0 = find_marker(jpeg, 0xE0);
    ASSERT_NE(app0, std::string::npos);
    ASSERT_EQ(std::string(jpeg.begin() + static_cast<long>(app0) + 4, jpeg.begin() + static_cast<long>(app0) + 8), "JFIF");
    jpeg[app0 + 9] = 2;  // JFIF 2.x
    ImageInfo info;
    const Image image = decode(jpeg, &info);
    EXPECT_EQ(info.format, "JPEG");
    EXPECT_EQ(image.channels, 3);  // stb_image_write stores YCbCr even for grey input
    EXPECT_NEAR(image.at(5, 2, 0), (2 * 8 + 5) * 4 / 255.0f, 6 / 255.0f);
}

// Over 64 MiB in one IDAT chunk: libspng refuses a chunk limit above its cache limit, so the
// limits must grow with the file (this file once failed with "libspng: invalid argument").
TEST(SirenImageDecode, PngLargerThanTheChunkCache) {
    const std::uint32_t side = 2900;  // 16-bit RGBA: 8 bytes a pixel, 67 MB of pixel data
    Bytes rows;
    rows.reserve((side * 8 + 1) * static_cast<std::size_t>(side));
    for (std::uint32_t y = 0; y < side; ++y) {
        rows.push_back(0);
        for (std::uint32_t x = 0; x < side; ++x)
            rows.insert(rows.end(), {static_cast<std::uint8_t>(y), 0, 0, 0, 0, 0, 255, 255});
    }
    const Bytes png = png_file(side, side, 16, 6, rows);
    ASSERT_GT(png.size(), std::size_t{64} << 20);
    const Image image = decode(png);
    EXPECT_EQ(image.width, static_cast<int>(side));
    EXPECT_FLOAT_EQ(image.at(0, 7, 0), 7 * 256 / 65535.0f);
}

// Palette PNGs are decoded to packed indices and looked up by anvil (to check each index):
// that must hold for an Adam7-interlaced file too (encoded here by libspng itself).
TEST(SirenImageDecode, InterlacedPalettePng) {
    const int w = 13, h = 9, bits = 2, row = (w * bits + 7) / 8;
    std::vector<int> index(static_cast<std::size_t>(w * h));
    Bytes packed(static_cast<std::size_t>(row * h), 0);
    for (int i = 0; i < w * h; ++i) {
        index[static_cast<std::size_t>(i)] = (i * 7 + i / 5) % 4;
        const int x = i % w, y = i / w;
        packed[static_cast<std::size_t>(y * row + x * bits / 8)] |=
            static_cast<std::uint8_t>(index[static_cast<std::size_t>(i)] << (8 - bits - x * bits % 8));
    }
    std::unique_ptr<spng_ctx, void (*)(spng_ctx*)> ctx(spng_ctx_new(SPNG_CTX_ENCODER), spng_ctx_free);
    spng_set_option(ctx.get(), SPNG_ENCODE_TO_BUFFER, 1);
    spng_ihdr ihdr{static_cast<std::uint32_t>(w), static_cast<std::uint32_t>(h), bits, 3, 0, 0, 1};
    spng_set_ihdr(ctx.get(), &ihdr);
    spng_plte plte{};
    plte.n_entries = 4;
    for (std::uint8_t i = 0; i < 4; ++i)
        plte.entries[i] = {static_cast<std::uint8_t>(i * 80), static_cast<std::uint8_t>(i * 80),
                           static_cast<std::uint8_t>(i * 80), 255};
    spng_set_plte(ctx.get(), &plte);
    ASSERT_EQ(spng_encode_image(ctx.get(), packed.data(), packed.size(), SPNG_FMT_PNG,
                                SPNG_ENCODE_FINALIZE), 0);
    std::size_t size = 0;
    int error = 0;
    std::unique_ptr<void, void (*)(void*)> png(spng_get_png_buffer(ctx.get(), &size, &error), std::free);
    ASSERT_TRUE(png) << error;
    const Image image = decode_image(static_cast<const std::uint8_t*>(png.get()), size, "mem");
    std::vector<int> want;
    for (const int i : index) want.push_back(i * 80);
    EXPECT_EQ(levels(image), want);
}

void expect_error(const std::function<void()>& f, const std::string& message) {
    try {
        f();
        ADD_FAILURE() << "no error, expected: " << message;
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), message);
    }
}

TEST(SirenImageDecode, PixelLimitIsCheckedFromTheHeader) {
    ImageLimits small;
    small.max_pixels = 11;
    const Bytes pgm = pnm_file('5', 4, 3, 255, Bytes(12, 9));
    expect_error([&] { decode(pgm, nullptr, small); },
                 "[image] mem: PGM header declares a 4x3 image (12 pixels), over the limit of 11 "
                 "pixels; --max-pixels raises it");
    small.max_pixels = 12;
    EXPECT_EQ(decode(pgm, nullptr, small).pixel_count(), 12);
    // --max-pixels N lets the file be as large as an uncompressed 16-bit RGBA image of N pixels.
    EXPECT_EQ(ImageLimits::for_pixels(10).max_file_bytes, std::int64_t{1} << 30);
    EXPECT_EQ(ImageLimits::for_pixels(std::int64_t{1} << 30).max_file_bytes, std::int64_t{8} << 30);
}

TEST(SirenImageDecode, ByteLimitForFilesAndPipes) {
    TempDir dir;
    const Bytes pgm = pnm_file('5', 20, 10, 255, Bytes(200, 1));
    write_file(dir / "a.pgm", pgm);
    ImageLimits limits;
    limits.max_file_bytes = 100;
    expect_error([&] { load_image(dir / "a.pgm", nullptr, limits); },
                 "[image] " + dir / "a.pgm" +
                     ": larger than the limit of 100 B for an image file (--max-pixels raises it)");
    // A pipe has no size: the read stops at the limit.
    const std::string fifo = dir / "pipe";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::thread writer([&] { write_file(fifo, Bytes(1000, 'x')); });
    expect_error([&] { load_image(fifo, nullptr, limits); },
                 "[image] " + fifo + ": larger than the limit of 100 B for an image file "
                                     "(--max-pixels raises it)");
    writer.join();
    limits.max_file_bytes = pgm.size();
    EXPECT_EQ(load_image(dir / "a.pgm", nullptr, limits).width, 20);
}

TEST(SirenStaleTempFiles, RecognisesOnlyTheAppsOwnPattern) {
    long pid = 0;
    EXPECT_TRUE(is_own_temp_file(".model.safetensors.tmp-123-4", &pid));
    EXPECT_EQ(pid, 123);
    for (const char* own : {".metrics.csv.tmp-1-0", ".summary.json.tmp-9-9", ".timeline.gif.tmp-5-1",
                            ".render_64x48.png.tmp-7-2", ".step_000120.png.tmp-8-0",
                            ".reconstruction.png.tmp-2-2", ".timeline.png.tmp-3-3"})
        EXPECT_TRUE(is_own_temp_file(own, &pid)) << own;
    for (const char* other : {"model.safetensors.tmp-123-4", ".model.safetensors.tmp-123",
                              ".model.safetensors.tmp--4", ".notes.txt.tmp-1-1",
                              ".model.safetensors.tmp-12a-4", ".render_x.png.tmp-1-1",
                              ".step_.png.tmp-1-1", ".model.safetensors"})
        EXPECT_FALSE(is_own_temp_file(other, &pid)) << other;
}

}  // namespace
}  // namespace anvil::siren::test
