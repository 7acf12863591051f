// The training timeline: the snapshots as an animated GIF (giflib; a grey palette for grey
// images, one median-cut palette shared by all frames for RGB) and as a PNG contact sheet,
// each frame labelled with its step in giflib's built-in 8x8 font.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "image.h"

namespace anvil::siren {

struct Frame {
    std::int64_t step = 0;
    Image image;
};

// `wanted` indices spread evenly over [0, count), always including the first and last
// (all of them when count <= wanted).
std::vector<std::size_t> pick_evenly(std::size_t count, std::size_t wanted);

// Draws `text` in white on a black box with its top-left corner at (x, y); each font pixel
// is a scale x scale block. Clipped to the image. Returns the box width.
int draw_label(Image& image, int x, int y, const std::string& text, int scale);

// The image scaled so that its longer side is at most max_side (never enlarged).
Image thumbnail(const Image& image, int max_side);

// GIF89a bytes of equally sized frames, looping forever; delays in 1/100 s.
std::vector<std::uint8_t> encode_gif(const std::vector<Image>& frames, int delay_cs,
                                     int last_delay_cs);

// timeline.gif: at most 100 frames of at most 256 px, labelled "step N".
void write_timeline_gif(const std::string& path, const std::vector<Frame>& frames);
// timeline.png: at most 16 frames in a grid of thumbnails with "step N" under each.
void write_contact_sheet(const std::string& path, const std::vector<Frame>& frames);

}  // namespace anvil::siren
