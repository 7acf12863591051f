// Writes the seed corpus of the image fuzzer (tests/fuzz/corpus/image): a few tiny valid files
// of each format anvil-siren accepts, from the same builders the tests use
// (tests/apps/image_craft.h). Run once by hand when the accepted formats change:
//   c++ -std=c++20 -Itests/apps -I/usr/include/stb tests/fuzz/make_image_corpus.cpp \
//       tests/apps/image_craft.cpp -lstb -o /tmp/make_image_corpus
//   /tmp/make_image_corpus tests/fuzz/corpus/image
#include <cstdio>
#include <string>

#include "image_craft.h"

using namespace anvil::siren::test;

namespace {

Bytes ramp(std::size_t n, int modulo) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 37 + i / 3) % static_cast<std::size_t>(modulo));
    return b;
}

// Filtered PNG rows (filter byte 0) of `row_bytes` each.
Bytes png_rows(int height, std::size_t row_bytes, int modulo) {
    Bytes raw;
    for (int y = 0; y < height; ++y) {
        raw.push_back(static_cast<std::uint8_t>(y % 5));  // every filter type
        const Bytes row = ramp(row_bytes, modulo);
        raw.insert(raw.end(), row.begin(), row.end());
    }
    return raw;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    auto put = [&](const char* name, const Bytes& bytes) { write_file(dir + "/" + name, bytes); };
    put("grey8.png", png_file(7, 5, 8, 0, png_rows(5, 7, 256)));
    put("rgb8.png", png_file(6, 4, 8, 2, png_rows(4, 18, 256)));
    put("rgba8.png", png_file(5, 3, 8, 6, png_rows(3, 20, 256)));
    put("grey16.png", png16_grey(4, 3, {0, 1, 257, 32768, 65535, 9, 8, 7, 6, 5, 4, 3}));
    put("palette2.png", png_file(9, 4, 2, 3, png_rows(4, 3, 256), {0, 0, 0, 80, 80, 80, 160, 160, 160, 255, 255, 255}));
    put("grey.jpg", jpeg_file(9, 7, 1, ramp(63, 256), 80));
    put("rgb.jpg", jpeg_file(17, 9, 3, ramp(17 * 9 * 3, 256), 60));
    put("grey.gif", gif_file(6, 5, 4, ramp(30, 4)));
    put("colours.gif", gif_file(5, 3, 200, ramp(15, 200)));
    put("rgb24.bmp", bmp_file(5, 3, 24, 0, ramp(bmp_row_bytes(5, 24) * 3, 256)));
    put("topdown32.bmp", bmp_file(3, -2, 32, 0, ramp(bmp_row_bytes(3, 32) * 2, 256)));
    put("palette8.bmp", bmp_file(6, 3, 8, 16, ramp(bmp_row_bytes(6, 8) * 3, 16)));
    put("palette1.bmp", bmp_file(11, 2, 1, 2, ramp(bmp_row_bytes(11, 1) * 2, 256)));
    put("rgb24.tga", tga_file(4, 3, 2, 24, 0, ramp(36, 256)));
    put("grey8.tga", tga_file(5, 2, 3, 8, 0, ramp(10, 256)));
    put("mapped.tga", tga_file(4, 2, 1, 8, 6, ramp(8, 6)));
    // Run-length: a repeated pixel (0x83: 4 times) then 2 literal pixels (0x01), grey.
    put("rle.tga", tga_file(3, 2, 11, 8, 0, {0x83, 90, 0x01, 10, 250}));
    put("grey8.pgm", pnm_file('5', 5, 4, 255, ramp(20, 256)));
    put("grey16.pgm", pnm_file('5', 3, 2, 1000, {0, 1, 3, 232, 0, 9, 1, 0, 2, 0, 0, 100}));
    put("rgb.ppm", pnm_file('6', 3, 2, 100, ramp(18, 101)));
    return 0;
}
