// anvil-siren's image loading and writing: every input format (PNG 8/16-bit, JPEG, BMP, TGA,
// GIF's first frame), grey and RGB with alpha dropped, the error for each kind of bad file,
// resizing, and PNG round trips.
#include <gtest/gtest.h>

#include <stb_image_write.h>

#include <cmath>
#include <cstring>
#include <fstream>

#include "anvil/error.h"
#include "image.h"
#include "image_craft.h"
#include "siren_test_util.h"
#include "timeline.h"

namespace anvil::siren::test {
namespace {

std::vector<std::uint8_t> rgba_bytes(int w, int h) {
    std::vector<std::uint8_t> px;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            px.insert(px.end(), {static_cast<std::uint8_t>(x * 20), static_cast<std::uint8_t>(y * 30),
                                 100, static_cast<std::uint8_t>(x * 10)});
    return px;
}

TEST(SirenImageLoad, Png8BitGreyRoundTrips) {
    TempDir dir;
    Image img = pattern_image(9, 7, 1);
    write_png(dir / "g.png", img);
    ImageInfo info;
    const Image back = load_image(dir / "g.png", &info);
    EXPECT_EQ(info.format, "PNG");
    EXPECT_EQ(info.bits, 8);
    ASSERT_EQ(back.width, 9);
    ASSERT_EQ(back.height, 7);
    ASSERT_EQ(back.channels, 1);
    for (std::size_t i = 0; i < img.pixels.size(); ++i)
        EXPECT_NEAR(back.pixels[i], img.pixels[i], 0.5 / 255 + 1e-6);
}

TEST(SirenImageLoad, Png16BitKeepsFullPrecision) {
    TempDir dir;
    const std::vector<std::uint16_t> samples{0, 1, 257, 32768, 65534, 65535};
    write_file(dir / "g16.png", png16_grey(3, 2, samples));
    ImageInfo info;
    const Image img = load_image(dir / "g16.png", &info);
    EXPECT_EQ(info.bits, 16);
    ASSERT_EQ(img.channels, 1);
    for (std::size_t i = 0; i < samples.size(); ++i)
        EXPECT_FLOAT_EQ(img.pixels[i], samples[i] / 65535.0f) << i;
    // 1/65535 apart: 8 bits would have merged the first two.
    EXPECT_NE(img.pixels[0], img.pixels[1]);
}

TEST(SirenImageLoad, RgbaDropsAlphaAndGreyAlphaStaysGrey) {
    TempDir dir;
    const auto px = rgba_bytes(5, 4);
    ASSERT_TRUE(stbi_write_png((dir / "rgba.png").c_str(), 5, 4, 4, px.data(), 5 * 4));
    ImageInfo info;
    const Image rgb = load_image(dir / "rgba.png", &info);
    EXPECT_EQ(info.file_channels, 4);
    ASSERT_EQ(rgb.channels, 3);
    EXPECT_FLOAT_EQ(rgb.at(3, 2, 0), 60 / 255.0f);
    EXPECT_FLOAT_EQ(rgb.at(3, 2, 1), 60 / 255.0f);
    EXPECT_FLOAT_EQ(rgb.at(3, 2, 2), 100 / 255.0f);

    const std::vector<std::uint8_t> ga{10, 255, 20, 0, 30, 128, 40, 7};
    ASSERT_TRUE(stbi_write_png((dir / "ga.png").c_str(), 2, 2, 2, ga.data(), 4));
    const Image grey = load_image(dir / "ga.png");
    ASSERT_EQ(grey.channels, 1);
    EXPECT_FLOAT_EQ(grey.at(1, 1, 0), 40 / 255.0f);
}

TEST(SirenImageLoad, JpegBmpTgaAndGifFirstFrame) {
    TempDir dir;
    const auto px = rgba_bytes(8, 6);
    std::vector<std::uint8_t> rgb;
    for (std::size_t i = 0; i < px.size(); i += 4) rgb.insert(rgb.end(), {px[i], px[i + 1], px[i + 2]});
    ASSERT_TRUE(stbi_write_jpg((dir / "a.jpg").c_str(), 8, 6, 3, rgb.data(), 95));
    ASSERT_TRUE(stbi_write_bmp((dir / "a.bmp").c_str(), 8, 6, 3, rgb.data()));
    ASSERT_TRUE(stbi_write_tga((dir / "a.tga").c_str(), 8, 6, 3, rgb.data()));
    for (const char* name : {"a.jpg", "a.bmp", "a.tga"}) {
        ImageInfo info;
        const Image img = load_image(dir / name, &info);
        EXPECT_EQ(img.width, 8) << name;
        EXPECT_EQ(img.height, 6) << name;
        EXPECT_EQ(img.channels, 3) << name;
        const double tol = std::string(name) == "a.jpg" ? 12 / 255.0 : 1e-6;
        EXPECT_NEAR(img.at(5, 3, 0), 100 / 255.0, tol) << name;
        EXPECT_NEAR(img.at(5, 3, 1), 90 / 255.0, tol) << name;
    }
    EXPECT_EQ([&] { ImageInfo i; load_image(dir / "a.jpg", &i); return i.format; }(), "JPEG");

    // A two-frame grey GIF: the first frame is what gets loaded.
    Image first(6, 4, 1), second(6, 4, 1);
    for (std::size_t i = 0; i < first.pixels.size(); ++i) {
        first.pixels[i] = static_cast<float>(i) / 255.0f;
        second.pixels[i] = 1.0f;
    }
    write_file(dir / "a.gif", encode_gif({first, second}, 10, 10));
    ImageInfo info;
    const Image gif = load_image(dir / "a.gif", &info);
    EXPECT_EQ(info.format, "GIF");
    ASSERT_EQ(gif.width, 6);
    // GIFs are palette images, loaded as RGB: a grey palette gives R = G = B.
    for (std::size_t i = 0; i < first.pixels.size(); ++i)
        EXPECT_FLOAT_EQ(gif.pixels[i * gif.channels], first.pixels[i]) << i;
}

void expect_load_error(const std::string& path, const std::string& part) {
    try {
        load_image(path);
        ADD_FAILURE() << "no error for " << path;
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind("[image] " + path + ": ", 0), 0u) << what;
        EXPECT_NE(what.find(part), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
}

TEST(SirenImageLoad, BadFilesGiveOneLineErrors) {
    TempDir dir;
    expect_load_error(dir / "missing.png", "cannot open: No such file or directory");
    expect_load_error(dir.path(), "is a directory");
    write_file(dir / "empty.png", {});
    expect_load_error(dir / "empty.png", "file is empty");
    write_file(dir / "text.png", {'h', 'e', 'l', 'l', 'o', '\n'});
    expect_load_error(dir / "text.png", "not an image anvil-siren can read");

    write_png(dir / "p.png", pattern_image(40, 30, 3));
    std::ifstream in(dir / "p.png", std::ios::binary);
    std::vector<std::uint8_t> png((std::istreambuf_iterator<char>(in)), {});
    write_file(dir / "cut.png", {png.begin(), png.begin() + static_cast<long>(png.size() / 2)});
    expect_load_error(dir / "cut.png", "truncated PNG: the file ends early (libspng: end of stream)");

    // libjpeg pads a cut JPEG with grey and warns; the warning is an error here.
    const auto px = rgba_bytes(16, 16);
    ASSERT_TRUE(stbi_write_jpg((dir / "a.jpg").c_str(), 16, 16, 4, px.data(), 90));
    std::ifstream jin(dir / "a.jpg", std::ios::binary);
    std::vector<std::uint8_t> jpg((std::istreambuf_iterator<char>(jin)), {});
    write_file(dir / "cut.jpg", {jpg.begin(), jpg.end() - 40});
    expect_load_error(dir / "cut.jpg", "truncated JPEG: the file ends early (libjpeg: Premature end of JPEG file)");
}

TEST(SirenImageResize, SizesAndRangeAndFit) {
    const Image img = pattern_image(40, 30, 3);
    const Image small = resize_image(img, 10, 7);
    EXPECT_EQ(small.width, 10);
    EXPECT_EQ(small.height, 7);
    EXPECT_EQ(small.channels, 3);
    for (float p : small.pixels) {
        EXPECT_GE(p, 0.0f);
        EXPECT_LE(p, 1.0f);
    }
    // A constant image stays constant.
    Image flat(5, 5, 1);
    std::fill(flat.pixels.begin(), flat.pixels.end(), 0.25f);
    for (float p : resize_image(flat, 13, 3).pixels) EXPECT_NEAR(p, 0.25f, 1e-5);

    struct Fit { int w, h, want_w, want_h; };
    for (const Fit f : {Fit{512, 512, 128, 128}, Fit{640, 480, 128, 96}, Fit{30, 100, 30, 100},
                        Fit{1, 1000, 1, 128}}) {
        int w = 0, h = 0;
        fit_within(f.w, f.h, 128, w, h);
        EXPECT_EQ(w, f.want_w) << f.w << "x" << f.h;
        EXPECT_EQ(h, f.want_h) << f.w << "x" << f.h;
    }
}

TEST(SirenImageWrite, BytesRoundAndClampAndPngFailsCleanly) {
    Image img(4, 1, 1);
    img.pixels = {-0.5f, 0.5f, 2.0f, std::nanf("")};
    const auto bytes = to_bytes(img);
    EXPECT_EQ(bytes, (std::vector<std::uint8_t>{0, 128, 255, 0}));
    const Image rgb = to_rgb(img);
    EXPECT_EQ(rgb.channels, 3);
    EXPECT_EQ(rgb.at(1, 0, 2), 0.5f);
    EXPECT_THROW(write_png("/nonexistent-dir/x.png", img), Error);
}

}  // namespace
}  // namespace anvil::siren::test
