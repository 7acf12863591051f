// Builds the bad inputs of test_cli_bad_inputs.cpp (see bad_input_files.h) from valid files
// made by image_craft.h, each then cut, corrupted or given an impossible header.
#include "bad_input_files.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string_view>

#include "anvil/nn/safetensors.h"
#include "image_craft.h"

namespace anvil::siren::test {
namespace {

using namespace std::literals;

Bytes ramp(std::size_t n, int modulo) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 7 % static_cast<std::size_t>(modulo));
    return b;
}

Bytes cut(const Bytes& b, std::size_t keep) { return Bytes(b.begin(), b.begin() + static_cast<long>(keep)); }

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Filtered PNG rows (filter byte 0) of `row_bytes` bytes each.
Bytes png_rows(int height, std::size_t row_bytes, int modulo) {
    Bytes raw;
    for (int y = 0; y < height; ++y) {
        raw.push_back(0);
        const Bytes row = ramp(row_bytes, modulo);
        raw.insert(raw.end(), row.begin(), row.end());
    }
    return raw;
}

// A JPEG's SOF0 height and width (big-endian, after FFC0, length and precision).
Bytes with_jpeg_size(Bytes jpeg, int width, int height) {
    const std::size_t sof = find_marker(jpeg, 0xC0);
    if (sof == std::string::npos) throw std::runtime_error("no SOF0 in the test JPEG");
    jpeg[sof + 5] = static_cast<std::uint8_t>(height >> 8);
    jpeg[sof + 6] = static_cast<std::uint8_t>(height);
    jpeg[sof + 7] = static_cast<std::uint8_t>(width >> 8);
    jpeg[sof + 8] = static_cast<std::uint8_t>(width);
    return jpeg;
}

void set_f32(nn::HostTensor& t, std::size_t index, float value) {
    std::memcpy(t.data.data() + index * sizeof(float), &value, sizeof value);
}

}  // namespace

const BadInputFiles& BadInputFiles::get() {
    static const BadInputFiles files;
    return files;
}

std::string BadInputFiles::operator[](const std::string& name) const {
    const auto it = paths_.find(name);
    if (it == paths_.end()) throw std::runtime_error("no bad input file named " + name);
    return it->second;
}

void BadInputFiles::put(const std::string& name, const Bytes& bytes) {
    write_file(dir_ / name, bytes);
    paths_[name] = dir_ / name;
}

BadInputFiles::BadInputFiles() {
    make_images();
    make_checkpoints();
}

void BadInputFiles::make_images() {
    paths_["good.png"] = write_pattern_png(dir_, "good.png", 16, 12);

    // PNG
    const Bytes png = png_file(8, 6, 8, 0, png_rows(6, 8, 256));
    put("zero-width.png", png_file(0, 6, 8, 0, png_rows(6, 8, 256)));
    put("huge.png", png_file(100000, 100000, 8, 0, png_rows(1, 8, 256)));
    put("bad-depth.png", png_file(8, 6, 3, 0, png_rows(6, 3, 256)));
    put("truncated.png", cut(png, png.size() / 2));
    put("no-iend.png", cut(png, png.size() - 12));
    Bytes crc = png;
    crc[29] ^= 0x01;  // the IHDR's CRC
    put("bad-crc.png", crc);
    {
        Bytes z = zlib_stored(png_rows(6, 8, 256));
        z.back() ^= 0xFF;  // the Adler-32 of the pixel data
        Bytes f{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        Bytes ihdr;
        put_be32(ihdr, 8);
        put_be32(ihdr, 6);
        ihdr.insert(ihdr.end(), {8, 0, 0, 0, 0});
        for (const Bytes& c : {png_chunk("IHDR", ihdr), png_chunk("IDAT", z), png_chunk("IEND", {})})
            f.insert(f.end(), c.begin(), c.end());
        put("bad-zlib.png", f);
    }
    put("palette-index.png", png_file(8, 6, 8, 3, png_rows(6, 8, 4), {0, 0, 0, 255, 255, 255}));

    // JPEG (stb_image_write's baseline JPEG, then patched)
    const Bytes jpeg = jpeg_file(16, 16, 3, ramp(16 * 16 * 3, 256));
    put("zero-height.jpg", with_jpeg_size(jpeg, 16, 0));
    put("huge.jpg", with_jpeg_size(jpeg, 65500, 65500));
    put("truncated.jpg", cut(jpeg, jpeg.size() - 40));
    {
        Bytes marker = cut(jpeg, jpeg.size() * 3 / 4);
        marker.insert(marker.end(), {0xFF, 0xD9});  // an end-of-image marker after the cut
        put("truncated-with-eoi.jpg", marker);
        // nothings/stb #1289: code counts summing past 256 in a Huffman table.
        Bytes huffman = jpeg;
        const std::size_t dht = find_marker(huffman, 0xC4);
        for (std::size_t i = 0; i < 16; ++i) huffman[dht + 5 + i] = 0xFF;
        put("huffman-overflow.jpg", huffman);
    }

    // GIF
    const Bytes gif = gif_file(6, 5, 4, ramp(30, 4));
    put("zero-width.gif", gif_file(0, 5, 4, {}));
    put("huge.gif", gif_file(65535, 65535, 4, {}));
    put("truncated.gif", cut(gif, gif.size() / 2));
    put("no-trailer.gif", cut(gif, gif.size() - 1));
    put("palette-index.gif", gif_file(3, 2, 2, {0, 1, 3, 1, 0, 1}));  // a 2-entry table, index 3

    // BMP
    const Bytes bmp = bmp_file(5, 3, 24, 0, ramp(bmp_row_bytes(5, 24) * 3, 256));
    put("zero-width.bmp", bmp_file(0, 3, 24, 0, {}));
    put("huge.bmp", bmp_file(100000, 100000, 24, 0, {}));
    put("truncated.bmp", cut(bmp, bmp.size() - 7));
    put("palette-index.bmp", bmp_file(4, 2, 8, 4, {0, 1, 2, 9, 3, 3, 3, 3}));
    Bytes rle = bmp;
    rle[30] = 1;  // BI_RLE8
    put("rle.bmp", rle);
    Bytes depth = bmp;
    depth[28] = 7;
    put("depth7.bmp", depth);

    // TGA
    put("zero-height.tga", tga_file(5, 0, 2, 24, 0, {}));
    put("huge-short.tga", [] {  // 48 bytes declaring 255x65535 (issue 13)
        Bytes t = tga_file(255, 65535, 2, 24, 0, {});
        while (t.size() < 48) t.push_back(0x7F);
        return t;
    }());
    const Bytes tga = tga_file(4, 3, 2, 24, 0, ramp(36, 256));
    put("truncated.tga", cut(tga, tga.size() - 5));
    put("truncated-rle.tga", tga_file(10, 10, 11, 8, 0, {0x83, 5, 0x81, 9}));
    put("palette-index.tga", tga_file(4, 2, 1, 8, 3, {0, 1, 2, 5, 0, 0, 0, 0}));

    // PGM / PPM
    put("zero-height.pgm", text("P5\n300 0\n255\n"));  // issue 13's 13 bytes
    put("huge.pgm", pnm_file('5', 100000, 100000, 255, {}));
    put("truncated.pgm", pnm_file('5', 5, 4, 255, ramp(13, 256)));
    put("truncated16.ppm", pnm_file('6', 3, 2, 1000, ramp(35, 3)));
    put("maxval0.pgm", pnm_file('5', 2, 2, 0, {0, 0, 0, 0}));
    put("maxval70000.pgm", pnm_file('5', 2, 2, 70000, ramp(8, 1)));
    put("over-maxval.pgm", pnm_file('5', 2, 2, 100, {1, 2, 101, 3}));
    put("plain.pgm", text("P2\n2 2\n255\n0 1 2 3\n"));

    // Formats refused by signature, and files that are no image at all
    put("radiance.hdr", [] {  // issue 13's HDR declaring 1000x100000
        Bytes h = text("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 100000 +X 1000\n");
        while (h.size() < 87) h.push_back(0x80);
        return h;
    }());
    put("image.webp", text("RIFF\x10\0\0\0WEBPVP8 \x04\0\0\0abcd"sv));
    put("image.psd", text("8BPS\0\x01\0\0\0\0\0\0\0\x03"sv));
    put("notes.txt", text("this is not an image\n"));
    put("empty.png", {});
}

void BadInputFiles::make_checkpoints() {
    const RunResult r = run_siren(small_run(image(), dir_ / "trained", 4));
    if (r.exit_code != 0) throw std::runtime_error("training the fixture failed: " + r.err);
    paths_["trained/model.safetensors"] = dir_ / "trained/model.safetensors";
    const nn::SafetensorsFile good = nn::read_safetensors(checkpoint());
    auto variant = [&](const std::string& name, auto change) {
        nn::SafetensorsFile f = good;
        change(f);
        nn::write_safetensors(dir_ / name, f);
        paths_[name] = dir_ / name;
    };
    auto tensor = [](nn::SafetensorsFile& f, const std::string& name) -> nn::HostTensor& {
        for (nn::HostTensor& t : f.tensors)
            if (t.name == name) return t;
        throw std::runtime_error("no tensor " + name + " in the fixture checkpoint");
    };
    variant("nan-weight.safetensors",
            [&](auto& f) { set_f32(tensor(f, "layers.1.weight"), 5, std::nanf("")); });
    variant("inf-bias.safetensors",
            [&](auto& f) { set_f32(tensor(f, "layers.2.bias"), 0, -INFINITY); });
    variant("nan-adam.safetensors", [&](auto& f) {
        set_f32(tensor(f, "optimizer.layers.0.weight.v"), 3, std::nanf(""));
    });
    variant("nan-lr.safetensors", [](auto& f) { f.metadata["train.lr"] = "nan"; });
    variant("bad-rng.safetensors", [](auto& f) { f.metadata["train.batch_rng"] = "12:zz"; });
    variant("negative-width.safetensors", [](auto& f) { f.metadata["train.width"] = "-16"; });
    put("empty.safetensors", {});
    std::error_code ec;
    std::filesystem::create_directories(dir_ / "a-directory.safetensors", ec);
    paths_["a-directory.safetensors"] = dir_ / "a-directory.safetensors";
}

}  // namespace anvil::siren::test
