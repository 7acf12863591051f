// The SIREN's inputs and targets: pixel-centre coordinates in [-1, 1] with the aspect ratio
// kept, targets scaled to the network's output range and back, and PSNR. A render at another
// resolution samples the same square of the plane, so it shows the same picture.
#pragma once

#include <cstdint>
#include <vector>

#include "image.h"

namespace anvil::siren {

// The half-extents of the sampled rectangle: the longer side of the training image spans
// [-1, 1], the shorter one [-s, s] with s = short / long.
struct Extent {
    double x = 1.0;
    double y = 1.0;
};
Extent extent_for(int width, int height);

// coords: (rows * width, 2) as (x, y) for image rows [row_begin, row_end) of a width x height
// grid covering `extent`. Pixel centres: x_i = ((i + 0.5) / width * 2 - 1) * extent.x, y grows
// downwards like the image rows.
std::vector<float> grid_rows(int width, int height, const Extent& extent, int row_begin,
                             int row_end);
inline std::vector<float> grid(int width, int height, const Extent& extent) {
    return grid_rows(width, height, extent, 0, height);
}

// How network outputs map to pixels: mse trains on [-1, 1] (a sine network's natural range;
// training on raw [0, 1] bytes was the seed's blank-image bug), bce on [0, 1] probabilities.
enum class TargetRange { signed_unit, unit };

// targets: (pixels, channels), the image's values in the target range.
std::vector<float> encode_targets(const Image& image, TargetRange range);
// The inverse of encode_targets: outputs (rows * width, channels) become image rows from
// row_begin on, clamped to [0, 1] (NaN becomes 0).
void decode_into(const std::vector<float>& outputs, TargetRange range, Image& image,
                 int row_begin);

// PSNR in dB for a mean squared error on the [0, 1] pixel range; capped at 120 dB so a
// perfect fit stays a finite number in CSV and JSON.
double psnr_from_mse(double mse);
// Mean squared error between two images of one size on the [0, 1] range.
double image_mse(const Image& a, const Image& b);

}  // namespace anvil::siren
