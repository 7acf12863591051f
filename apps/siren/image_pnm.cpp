// Binary PGM (P5) and PPM (P6), read here rather than by stb_image, whose reader overflows an int
// on a long number, accepts a zero size or maxval and does not scale by maxval. Header: magic,
// width, height, maxval, separated by whitespace and #-comments, then exactly one whitespace
// character and the samples (one byte each for maxval < 256, else two, big-endian).
#include <vector>

#include "image_decode.h"

namespace anvil::siren::detail {
namespace {

bool is_space(std::uint8_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

struct HeaderReader {
    const ImageBytes& in;
    const char* format;
    std::size_t pos = 2;  // after the magic

    // Skips whitespace and comments, then reads a decimal number of at most 9 digits.
    std::int64_t number(const char* what) {
        for (;;) {
            while (pos < in.size && is_space(in.data[pos])) ++pos;
            if (pos < in.size && in.data[pos] == '#') {
                while (pos < in.size && in.data[pos] != '\n' && in.data[pos] != '\r') ++pos;
                continue;
            }
            break;
        }
        std::int64_t value = 0;
        int digits = 0;
        while (pos < in.size && in.data[pos] >= '0' && in.data[pos] <= '9') {
            if (++digits > 9)
                image_error(in.name, std::string("corrupt ") + format + " header: the " + what +
                                         " has more than 9 digits");
            value = value * 10 + (in.data[pos++] - '0');
        }
        if (digits == 0)
            image_error(in.name, std::string(pos >= in.size ? "truncated " : "corrupt ") + format +
                                     " header: no " + what);
        return value;
    }
};

}  // namespace

Image decode_pnm(const ImageBytes& in, const ImageLimits& limits, ImageInfo& info) {
    const bool colour = in.data[1] == '6';
    const char* format = colour ? "PPM" : "PGM";
    HeaderReader header{in, format};
    const std::int64_t width = header.number("width");
    const std::int64_t height = header.number("height");
    const std::int64_t maxval = header.number("maximum value");
    if (maxval < 1 || maxval > 65535)
        image_error(in.name, std::string("corrupt ") + format + " header: maximum value " +
                                 std::to_string(maxval) + " (1 to 65535 allowed)");
    if (header.pos >= in.size || !is_space(in.data[header.pos]))
        image_error(in.name, std::string(header.pos >= in.size ? "truncated " : "corrupt ") +
                                 format + " header: no whitespace after the maximum value");
    check_dimensions(in.name, format, width, height, limits);
    const std::size_t start = header.pos + 1;
    const int channels = colour ? 3 : 1;
    const std::size_t sample_bytes = maxval > 255 ? 2 : 1;
    const std::size_t samples = static_cast<std::size_t>(width) * static_cast<std::size_t>(height) *
                                static_cast<std::size_t>(channels);
    const std::size_t have = in.size - start;
    if (have < samples * sample_bytes)
        image_error(in.name, std::string("truncated ") + format + ": " + std::to_string(width) + "x" +
                                 std::to_string(height) + " pixels need " +
                                 std::to_string(samples * sample_bytes) + " bytes of samples, the file has " +
                                 std::to_string(have));
    std::vector<std::uint16_t> values(samples);
    const std::uint8_t* p = in.data + start;
    for (std::size_t i = 0; i < samples; ++i) {
        const std::uint16_t v = sample_bytes == 2 ? static_cast<std::uint16_t>(p[2 * i] << 8 | p[2 * i + 1])
                                                  : p[i];
        if (v > maxval)
            image_error(in.name, std::string("corrupt ") + format + ": sample " + std::to_string(v) +
                                     " is above the maximum value " + std::to_string(maxval));
        values[i] = v;
    }
    info = ImageInfo{format, channels, sample_bytes == 2 ? 16 : 8};
    return image_from_samples(values.data(), static_cast<int>(width), static_cast<int>(height),
                              channels, channels, static_cast<float>(maxval));
}

}  // namespace anvil::siren::detail
