// Fuzz harness: anvil-siren's image decoders (decode_image, apps/siren/image.h) on arbitrary
// bytes, with small limits (2^20 pixels, 16 MiB) so that a header declaring a huge image is
// refused before allocation and every input decodes fast. An input must either decode to a
// well-formed image or be refused with anvil::Error; a crash, a sanitizer report, another
// exception type (std::bad_alloc included: the limits should prevent it) or a malformed image
// is a finding. Seeds: corpus/image (tests/fuzz/make_image_corpus.cpp).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "anvil/error.h"
#include "image.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    anvil::siren::ImageLimits limits;
    limits.max_pixels = std::int64_t{1} << 20;
    limits.max_file_bytes = std::int64_t{1} << 24;
    try {
        anvil::siren::ImageInfo info;
        const anvil::siren::Image image =
            anvil::siren::decode_image(data, size, "fuzz-input", limits, &info);
        const bool well_formed =
            image.width >= 1 && image.height >= 1 && image.pixel_count() <= limits.max_pixels &&
            (image.channels == 1 || image.channels == 3) &&
            image.pixels.size() == static_cast<std::size_t>(image.pixel_count()) *
                                       static_cast<std::size_t>(image.channels) &&
            (info.bits == 8 || info.bits == 16) && info.file_channels >= 1 &&
            info.file_channels <= 4 && !info.format.empty();
        if (!well_formed) std::abort();
        for (const float p : image.pixels)
            if (!(p >= 0.0f && p <= 1.0f)) std::abort();
    } catch (const anvil::Error&) {
        // A refusal with a message: the expected outcome for most inputs.
    }
    return 0;
}
