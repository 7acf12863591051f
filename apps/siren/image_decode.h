// The per-format image decoders behind decode_image (image.h) and what they share: the error
// wording, the dimension and pixel-limit check every decoder makes from the header before it
// allocates, and the conversion of decoded samples to an Image. Internal to anvil-siren.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "image.h"

namespace anvil::siren::detail {

// The bytes of one file and the name to use in messages.
struct ImageBytes {
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
    std::string name;
};

// Throws anvil::Error "[image] <name>: <what>".
[[noreturn]] void image_error(const std::string& name, const std::string& what);

// Throws unless width and height are at least 1 and width x height is within the limit (the
// message names the format, the declared size and how to raise the limit). Also bounds each side
// so that every later product fits an int, as Image needs.
void check_dimensions(const std::string& name, const std::string& format, std::int64_t width,
                      std::int64_t height, const ImageLimits& limits);

// `samples`: (height, width, stride) interleaved; the image keeps the first `channels` (1 or 3)
// of each pixel's `stride` samples (so alpha is dropped), each divided by full_scale.
template <typename T>
Image image_from_samples(const T* samples, int width, int height, int stride, int channels,
                         float full_scale);

// One decoder per format. Each fills `info` and returns the image or throws image_error.
Image decode_png(const ImageBytes& in, const ImageLimits& limits, ImageInfo& info);
Image decode_jpeg(const ImageBytes& in, const ImageLimits& limits, ImageInfo& info);
Image decode_gif(const ImageBytes& in, const ImageLimits& limits, ImageInfo& info);
Image decode_pnm(const ImageBytes& in, const ImageLimits& limits, ImageInfo& info);
Image decode_bmp(const ImageBytes& in, const ImageLimits& limits, ImageInfo& info);
// Returns false (without throwing) when the bytes do not even start like a TGA header, so
// that decode_image can call the file "not an image"; TGA has no signature.
bool looks_like_tga(const ImageBytes& in);
Image decode_tga(const ImageBytes& in, const ImageLimits& limits, ImageInfo& info);

// Decodes BMP or TGA bytes with stb_image (image_stb.cpp, the only stb_image code compiled
// in). Only for bytes whose header, size and palette indices the caller has checked: `in`
// holds exactly the bytes the header describes, and the result must have the header's size.
Image decode_with_stb(const ImageBytes& in, const std::string& format, std::int64_t width,
                      std::int64_t height, ImageInfo& info);

}  // namespace anvil::siren::detail
