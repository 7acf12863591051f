// Coordinate grids, target encoding and PSNR for anvil-siren (see grid.h).
#include "grid.h"

#include <algorithm>
#include <cmath>

#include "anvil/error.h"

namespace anvil::siren {

Extent extent_for(int width, int height) {
    const double longer = std::max(width, height);
    return {width / longer, height / longer};
}

std::vector<float> grid_rows(int width, int height, const Extent& extent, int row_begin,
                             int row_end) {
    if (width <= 0 || height <= 0 || row_begin < 0 || row_end > height || row_begin > row_end)
        throw Error("[grid] bad rows [" + std::to_string(row_begin) + ", " +
                    std::to_string(row_end) + ") of a " + std::to_string(width) + "x" +
                    std::to_string(height) + " grid");
    std::vector<float> coords(static_cast<std::size_t>(row_end - row_begin) * width * 2);
    std::size_t k = 0;
    for (int y = row_begin; y < row_end; ++y) {
        const double cy = ((y + 0.5) / height * 2.0 - 1.0) * extent.y;
        for (int x = 0; x < width; ++x) {
            coords[k++] = static_cast<float>(((x + 0.5) / width * 2.0 - 1.0) * extent.x);
            coords[k++] = static_cast<float>(cy);
        }
    }
    return coords;
}

std::vector<float> encode_targets(const Image& image, TargetRange range) {
    std::vector<float> t(image.pixels.size());
    for (std::size_t i = 0; i < t.size(); ++i)
        t[i] = range == TargetRange::signed_unit ? image.pixels[i] * 2.0f - 1.0f : image.pixels[i];
    return t;
}

void decode_into(const std::vector<float>& outputs, TargetRange range, Image& image,
                 int row_begin) {
    const std::size_t offset = static_cast<std::size_t>(row_begin) * image.width * image.channels;
    if (offset + outputs.size() > image.pixels.size())
        throw Error("[grid] decoded rows overflow the image");
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const float v = range == TargetRange::signed_unit ? (outputs[i] + 1.0f) * 0.5f : outputs[i];
        // NaN stays visible as black rather than poisoning the PNG encoder's rounding.
        image.pixels[offset + i] = std::isnan(v) ? 0.0f : std::clamp(v, 0.0f, 1.0f);
    }
}

double psnr_from_mse(double mse) {
    if (std::isnan(mse)) return mse;
    return std::min(120.0, -10.0 * std::log10(std::max(mse, 1e-12)));
}

double image_mse(const Image& a, const Image& b) {
    if (a.width != b.width || a.height != b.height || a.channels != b.channels)
        throw Error("[psnr] images differ in size");
    double sum = 0.0;
    for (std::size_t i = 0; i < a.pixels.size(); ++i) {
        const double d = double(a.pixels[i]) - double(b.pixels[i]);
        sum += d * d;
    }
    return a.pixels.empty() ? 0.0 : sum / static_cast<double>(a.pixels.size());
}

}  // namespace anvil::siren
