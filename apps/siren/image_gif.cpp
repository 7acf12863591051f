// GIF's first frame through giflib (already anvil-siren's GIF writer): the frame is drawn on the
// logical screen (the rest is the background colour), every palette index is checked against
// its colour table, and the records after the first frame are walked (not decoded) to the
// trailer, so a file cut anywhere is refused.
#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "image_decode.h"

namespace anvil::siren::detail {
namespace {

struct Reader {
    const std::uint8_t* data;
    std::size_t size;
    std::size_t pos;
};

int read_bytes(GifFileType* gif, GifByteType* out, int wanted) {
    auto* r = static_cast<Reader*>(gif->UserData);
    const std::size_t n = std::min(static_cast<std::size_t>(std::max(wanted, 0)), r->size - r->pos);
    std::memcpy(out, r->data + r->pos, n);
    r->pos += n;
    return static_cast<int>(n);
}

struct Close {
    void operator()(GifFileType* gif) const {
        int ignored = 0;
        DGifCloseFile(gif, &ignored);
    }
};

[[noreturn]] void gif_error(const std::string& name, int code) {
    const char* text = GifErrorString(code);
    const std::string reason = std::string("(giflib: ") + (text ? text : "unknown error") + ")";
    if (code == D_GIF_ERR_READ_FAILED || code == D_GIF_ERR_EOF_TOO_SOON)
        image_error(name, "truncated GIF: the file ends early " + reason);
    image_error(name, "corrupt GIF " + reason);
}

// Skips an extension's or a later frame's sub-blocks.
void skip_extension(GifFileType* gif, const std::string& name) {
    int code = 0;
    GifByteType* block = nullptr;
    if (DGifGetExtension(gif, &code, &block) != GIF_OK) gif_error(name, gif->Error);
    while (block)
        if (DGifGetExtensionNext(gif, &block) != GIF_OK) gif_error(name, gif->Error);
}

void skip_frame(GifFileType* gif, const std::string& name) {
    int code_size = 0;
    GifByteType* block = nullptr;
    if (DGifGetImageDesc(gif) != GIF_OK) gif_error(name, gif->Error);
    if (DGifGetCode(gif, &code_size, &block) != GIF_OK) gif_error(name, gif->Error);
    while (block)
        if (DGifGetCodeNext(gif, &block) != GIF_OK) gif_error(name, gif->Error);
}

}  // namespace

Image decode_gif(const ImageBytes& in, const ImageLimits& limits, ImageInfo& info) {
    Reader reader{in.data, in.size, 0};
    int error = 0;
    std::unique_ptr<GifFileType, Close> gif(DGifOpen(&reader, read_bytes, &error));
    if (!gif) gif_error(in.name, error);
    GifFileType* g = gif.get();
    check_dimensions(in.name, "GIF", g->SWidth, g->SHeight, limits);
    const int width = g->SWidth, height = g->SHeight;

    std::vector<std::uint8_t> rgb;
    for (;;) {
        GifRecordType type = UNDEFINED_RECORD_TYPE;
        if (DGifGetRecordType(g, &type) != GIF_OK) gif_error(in.name, g->Error);
        if (type == TERMINATE_RECORD_TYPE) break;
        if (type == EXTENSION_RECORD_TYPE) {
            skip_extension(g, in.name);
            continue;
        }
        if (type != IMAGE_DESC_RECORD_TYPE) gif_error(in.name, D_GIF_ERR_WRONG_RECORD);
        if (!rgb.empty()) {
            skip_frame(g, in.name);
            continue;
        }
        if (DGifGetImageDesc(g) != GIF_OK) gif_error(in.name, g->Error);
        const GifImageDesc& frame = g->Image;
        if (frame.Width < 1 || frame.Height < 1 || frame.Left < 0 || frame.Top < 0 ||
            frame.Left + frame.Width > width || frame.Top + frame.Height > height)
            image_error(in.name, "corrupt GIF: the first frame (" + std::to_string(frame.Width) +
                                     "x" + std::to_string(frame.Height) + " at " +
                                     std::to_string(frame.Left) + "," + std::to_string(frame.Top) +
                                     ") is not inside the " + std::to_string(width) + "x" +
                                     std::to_string(height) + " screen");
        const ColorMapObject* colors = frame.ColorMap ? frame.ColorMap : g->SColorMap;
        if (!colors || colors->ColorCount < 1)
            image_error(in.name, "corrupt GIF: the first frame has no colour table");

        // The screen starts as the background colour (black when it has none).
        rgb.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3, 0);
        if (g->SColorMap && g->SBackGroundColor < g->SColorMap->ColorCount) {
            const GifColorType bg = g->SColorMap->Colors[g->SBackGroundColor];
            for (std::size_t i = 0; i < rgb.size(); i += 3) {
                rgb[i] = bg.Red;
                rgb[i + 1] = bg.Green;
                rgb[i + 2] = bg.Blue;
            }
        }
        // Interlaced frames store rows in four passes: every 8th from 0, every 8th from 4,
        // every 4th from 2, every 2nd from 1.
        std::vector<int> rows;
        if (frame.Interlace) {
            for (const auto& [first, step] : {std::pair{0, 8}, {4, 8}, {2, 4}, {1, 2}})
                for (int y = first; y < frame.Height; y += step) rows.push_back(y);
        } else {
            for (int y = 0; y < frame.Height; ++y) rows.push_back(y);
        }
        std::vector<GifPixelType> line(static_cast<std::size_t>(frame.Width));
        for (const int y : rows) {
            if (DGifGetLine(g, line.data(), frame.Width) != GIF_OK) gif_error(in.name, g->Error);
            for (int x = 0; x < frame.Width; ++x) {
                const int index = line[static_cast<std::size_t>(x)];
                if (index >= colors->ColorCount)
                    image_error(in.name, "corrupt GIF: palette index " + std::to_string(index) +
                                             " out of range (the colour table has " +
                                             std::to_string(colors->ColorCount) + " entries)");
                const GifColorType c = colors->Colors[index];
                const std::size_t at = (static_cast<std::size_t>(frame.Top + y) * static_cast<std::size_t>(width) +
                                        static_cast<std::size_t>(frame.Left + x)) * 3;
                rgb[at] = c.Red;
                rgb[at + 1] = c.Green;
                rgb[at + 2] = c.Blue;
            }
        }
    }
    if (rgb.empty()) image_error(in.name, "corrupt GIF: no image in the file");
    info = ImageInfo{"GIF", 3, 8};
    return image_from_samples(rgb.data(), width, height, 3, 3, 255.0f);
}

}  // namespace anvil::siren::detail
