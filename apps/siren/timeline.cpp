// timeline.gif and timeline.png for anvil-siren (see timeline.h). GIF holds at most 256
// colours: grey images map exactly to a grey ramp; RGB frames are stacked into one tall image
// and quantised together so that every frame shares one palette and nothing flickers.
#include "timeline.h"

#include <gif_lib.h>

#include <algorithm>
#include <cmath>

#include "anvil/error.h"
#include "anvil/nn/safetensors.h"

namespace anvil::siren {
namespace {

constexpr int kGifMaxSide = 256;
constexpr std::size_t kGifMaxFrames = 100;
constexpr int kSheetThumbSide = 160;
constexpr std::size_t kSheetMaxFrames = 16;
constexpr int kSheetColumns = 4;
constexpr int kPad = 6;

std::string step_label(std::int64_t step) { return "step " + std::to_string(step); }

int label_scale(const Image& image) { return std::max(1, std::max(image.width, image.height) / 128); }

[[noreturn]] void gif_fail(int code) {
    const char* text = GifErrorString(code);
    throw Error(std::string("[gif] ") + (text ? text : "giflib error"));
}

// Palette indices and colours for the stacked frames.
struct Indexed {
    std::vector<GifByteType> indices;  // one per pixel of all frames, frame after frame
    std::vector<GifColorType> palette; // 256 entries
};

Indexed quantise(const std::vector<Image>& frames) {
    Indexed out;
    std::size_t total = 0;
    for (const auto& f : frames) total += static_cast<std::size_t>(f.pixel_count());
    out.indices.resize(total);
    out.palette.resize(256);
    if (frames.front().channels == 1) {
        for (int i = 0; i < 256; ++i)
            out.palette[i] = {GifByteType(i), GifByteType(i), GifByteType(i)};
        std::size_t k = 0;
        for (const auto& f : frames)
            for (std::uint8_t b : to_bytes(f)) out.indices[k++] = b;
        return out;
    }
    std::vector<GifByteType> r(total), g(total), b(total);
    std::size_t k = 0;
    for (const auto& f : frames) {
        const auto bytes = to_bytes(f);
        for (std::size_t i = 0; i < bytes.size(); i += 3, ++k) {
            r[k] = bytes[i];
            g[k] = bytes[i + 1];
            b[k] = bytes[i + 2];
        }
    }
    int colours = 256;
    // Stacked vertically: width of one frame, height of all of them together.
    const auto width = static_cast<unsigned>(frames.front().width);
    if (GifQuantizeBuffer(width, static_cast<unsigned>(total / width), &colours, r.data(), g.data(),
                          b.data(), out.indices.data(), out.palette.data()) == GIF_ERROR)
        throw Error("[gif] colour quantisation failed");
    return out;
}

int write_to_vector(GifFileType* gif, const GifByteType* data, int length) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(gif->UserData);
    out->insert(out->end(), data, data + length);
    return length;
}

}  // namespace

std::vector<std::size_t> pick_evenly(std::size_t count, std::size_t wanted) {
    std::vector<std::size_t> out;
    if (count == 0 || wanted == 0) return out;
    if (count <= wanted) {
        for (std::size_t i = 0; i < count; ++i) out.push_back(i);
        return out;
    }
    if (wanted == 1) return {count - 1};
    for (std::size_t i = 0; i < wanted; ++i) {
        const std::size_t idx = static_cast<std::size_t>(
            std::llround(static_cast<double>(i) * static_cast<double>(count - 1) /
                         static_cast<double>(wanted - 1)));
        if (out.empty() || idx != out.back()) out.push_back(idx);
    }
    return out;
}

int draw_label(Image& image, int x, int y, const std::string& text, int scale) {
    const int glyph = GIF_FONT_WIDTH * scale;
    const int box_w = static_cast<int>(text.size()) * glyph + 2 * scale;
    const int box_h = GIF_FONT_HEIGHT * scale + 2 * scale;
    auto put = [&](int px, int py, float value) {
        if (px < 0 || py < 0 || px >= image.width || py >= image.height) return;
        for (int c = 0; c < image.channels; ++c) image.at(px, py, c) = value;
    };
    for (int py = 0; py < box_h; ++py)
        for (int px = 0; px < box_w; ++px) put(x + px, y + py, 0.0f);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto ch = static_cast<unsigned char>(text[i]);
        if (ch >= 128) continue;
        for (int row = 0; row < GIF_FONT_HEIGHT; ++row)
            for (int col = 0; col < GIF_FONT_WIDTH; ++col) {
                // Rows are bytes with the leftmost pixel in the most significant bit.
                if (!(GifAsciiTable8x8[ch][row] & (0x80 >> col))) continue;
                for (int sy = 0; sy < scale; ++sy)
                    for (int sx = 0; sx < scale; ++sx)
                        put(x + scale + static_cast<int>(i) * glyph + col * scale + sx,
                            y + scale + row * scale + sy, 1.0f);
            }
    }
    return box_w;
}

Image thumbnail(const Image& image, int max_side) {
    int w = 0, h = 0;
    fit_within(image.width, image.height, max_side, w, h);
    return resize_image(image, w, h);
}

std::vector<std::uint8_t> encode_gif(const std::vector<Image>& frames, int delay_cs,
                                     int last_delay_cs) {
    if (frames.empty()) throw Error("[gif] no frames");
    const int w = frames.front().width, h = frames.front().height;
    for (const auto& f : frames)
        if (f.width != w || f.height != h || f.channels != frames.front().channels)
            throw Error("[gif] frames differ in size");
    const Indexed indexed = quantise(frames);

    std::vector<std::uint8_t> bytes;
    int error = 0;
    GifFileType* gif = EGifOpen(&bytes, write_to_vector, &error);
    if (!gif) gif_fail(error);
    ColorMapObject* map = GifMakeMapObject(256, indexed.palette.data());
    bool ok = map != nullptr;
    EGifSetGifVersion(gif, true);
    ok = ok && EGifPutScreenDesc(gif, w, h, 8, 0, map) == GIF_OK;
    // NETSCAPE2.0 application block: loop forever.
    static const GifByteType netscape[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
    static const GifByteType loop_forever[] = {1, 0, 0};
    ok = ok && EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_OK &&
         EGifPutExtensionBlock(gif, sizeof netscape, netscape) == GIF_OK &&
         EGifPutExtensionBlock(gif, sizeof loop_forever, loop_forever) == GIF_OK &&
         EGifPutExtensionTrailer(gif) == GIF_OK;
    const std::size_t frame_pixels = static_cast<std::size_t>(w) * h;
    for (std::size_t f = 0; ok && f < frames.size(); ++f) {
        GraphicsControlBlock gcb{};
        gcb.DisposalMode = DISPOSE_DO_NOT;
        gcb.UserInputFlag = false;
        gcb.DelayTime = f + 1 == frames.size() ? last_delay_cs : delay_cs;
        gcb.TransparentColor = NO_TRANSPARENT_COLOR;
        GifByteType extension[4];
        EGifGCBToExtension(&gcb, extension);
        ok = EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, extension) == GIF_OK &&
             EGifPutImageDesc(gif, 0, 0, w, h, false, nullptr) == GIF_OK;
        for (int y = 0; ok && y < h; ++y) {
            // EGifPutLine takes a non-const pointer but only reads it.
            auto* row = const_cast<GifByteType*>(indexed.indices.data() + f * frame_pixels +
                                                 static_cast<std::size_t>(y) * w);
            ok = EGifPutLine(gif, row, w) == GIF_OK;
        }
    }
    const int put_error = gif->Error;
    if (EGifCloseFile(gif, &error) != GIF_OK && ok) {
        ok = false;
    } else if (!ok) {
        error = put_error;
    }
    if (map) GifFreeMapObject(map);
    if (!ok) gif_fail(error);
    return bytes;
}

void write_timeline_gif(const std::string& path, const std::vector<Frame>& frames) {
    std::vector<Image> images;
    for (std::size_t i : pick_evenly(frames.size(), kGifMaxFrames)) {
        Image small = thumbnail(frames[i].image, kGifMaxSide);
        draw_label(small, 0, 0, step_label(frames[i].step), label_scale(small) > 1 ? 2 : 1);
        images.push_back(std::move(small));
    }
    const auto bytes = encode_gif(images, 25, 200);
    nn::write_file_atomically(path, bytes.data(), bytes.size(), "gif");
}

void write_contact_sheet(const std::string& path, const std::vector<Frame>& frames) {
    if (frames.empty()) throw Error("[timeline] no frames");
    std::vector<Frame> thumbs;
    for (std::size_t i : pick_evenly(frames.size(), kSheetMaxFrames))
        thumbs.push_back({frames[i].step, thumbnail(frames[i].image, kSheetThumbSide)});
    int tw = 0, th = 0;
    for (const auto& t : thumbs) {
        tw = std::max(tw, t.image.width);
        th = std::max(th, t.image.height);
    }
    const int scale = 1;
    const int label_h = GIF_FONT_HEIGHT * scale + 2 * scale;
    const int columns = std::min<int>(kSheetColumns, static_cast<int>(thumbs.size()));
    const int rows = (static_cast<int>(thumbs.size()) + columns - 1) / columns;
    std::size_t longest_label = 0;
    for (const auto& t : thumbs) longest_label = std::max(longest_label, step_label(t.step).size());
    const int cell_w = std::max(tw, static_cast<int>(longest_label + 1) * GIF_FONT_WIDTH * scale) + kPad;
    const int cell_h = th + label_h + 2 * kPad;
    Image sheet(kPad + columns * cell_w, kPad + rows * cell_h, thumbs.front().image.channels);
    std::fill(sheet.pixels.begin(), sheet.pixels.end(), 0.15f);
    for (std::size_t i = 0; i < thumbs.size(); ++i) {
        const int x0 = kPad + static_cast<int>(i % columns) * cell_w;
        const int y0 = kPad + static_cast<int>(i / columns) * cell_h;
        const Image& t = thumbs[i].image;
        for (int y = 0; y < t.height; ++y)
            for (int x = 0; x < t.width; ++x)
                for (int c = 0; c < t.channels; ++c) sheet.at(x0 + x, y0 + y, c) = t.at(x, y, c);
        draw_label(sheet, x0, y0 + th + kPad / 2, step_label(thumbs[i].step), scale);
    }
    write_png(path, sheet);
}

}  // namespace anvil::siren
