// Hostile and careless inputs to the real anvil-siren binary (issue 13), each with its exact
// one-line message and exit status: images of every accepted format with zero or huge declared
// sizes, truncated, corrupt or with out-of-range palette indices, formats that are refused,
// devices, corrupt checkpoints (NaN/Inf weights, bad metadata) and contradictory flags. Every
// case must print exactly "anvil-siren: error: <message>\n" (or a warning line where noted),
// exit 1 or 2, never crash, write no checkpoint and leave every input file unchanged.
// The names of kBadInputs are the list docs/reliability.md counts.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <functional>

#include "bad_input_files.h"
#include "image_craft.h"

namespace anvil::siren::test {
namespace {

namespace fs = std::filesystem;
using Args = std::vector<std::string>;

struct BadInput {
    const char* name;
    std::function<Args(const BadInputFiles&, const std::string& out)> args;
    int exit_code;
    // The whole error line after "anvil-siren: error: "; {d} stands for the files' directory.
    const char* message;
};

void PrintTo(const BadInput& input, std::ostream* os) { *os << input.name; }

std::string expand(std::string text, const std::string& dir) {
    for (std::size_t at; (at = text.find("{d}")) != std::string::npos;) text.replace(at, 3, dir);
    return text;
}

// Training on one of the crafted files.
std::function<Args(const BadInputFiles&, const std::string&)> image(const char* file, Args extra = {}) {
    return [file, extra](const BadInputFiles& f, const std::string& out) {
        return small_run(f[file], out, 3) + extra;
    };
}
std::function<Args(const BadInputFiles&, const std::string&)> render(const char* ckpt, Args extra = {}) {
    return [ckpt, extra](const BadInputFiles& f, const std::string& out) {
        return Args{"--render-only", f[ckpt], "--out", out} + extra;
    };
}
// Resuming with no training flag, so that the checkpoint's settings are the ones read.
std::function<Args(const BadInputFiles&, const std::string&)> resume(const char* ckpt) {
    return [ckpt](const BadInputFiles& f, const std::string& out) {
        return Args{"--backend", "cpu", "--image", f.image(), "--out", out, "--resume", f[ckpt]};
    };
}

#define ACCEPTED "(accepted: PNG, JPEG, GIF, BMP, TGA, binary PGM/PPM)"

const BadInput kBadInputs[] = {
    // Zero and huge declared sizes, refused from the header before any pixel is allocated.
    {"PgmZeroHeight", image("zero-height.pgm"), 1,
     "[image] {d}/zero-height.pgm: PGM header declares a 300x0 image; both sides must be at least 1 pixel"},
    {"PngZeroWidth", image("zero-width.png"), 1,
     "[image] {d}/zero-width.png: corrupt PNG (libspng: invalid image width)"},
    {"JpegZeroHeight", image("zero-height.jpg"), 1,
     "[image] {d}/zero-height.jpg: corrupt JPEG (libjpeg: Empty JPEG image (DNL not supported))"},
    {"GifZeroWidth", image("zero-width.gif"), 1,
     "[image] {d}/zero-width.gif: GIF header declares a 0x5 image; both sides must be at least 1 pixel"},
    {"BmpZeroWidth", image("zero-width.bmp"), 1,
     "[image] {d}/zero-width.bmp: BMP header declares a 0x3 image; both sides must be at least 1 pixel"},
    {"TgaZeroHeight", image("zero-height.tga"), 1,
     "[image] {d}/zero-height.tga: TGA header declares a 5x0 image; both sides must be at least 1 pixel"},
    {"PngHugeDeclared", image("huge.png"), 1,
     "[image] {d}/huge.png: PNG header declares a 100000x100000 image (10000000000 pixels), over the limit of 268435456 pixels; --max-pixels raises it"},
    {"JpegHugeDeclared", image("huge.jpg"), 1,
     "[image] {d}/huge.jpg: JPEG header declares a 65500x65500 image (4290250000 pixels), over the limit of 268435456 pixels; --max-pixels raises it"},
    {"GifHugeDeclared", image("huge.gif"), 1,
     "[image] {d}/huge.gif: GIF header declares a 65535x65535 image (4294836225 pixels), over the limit of 268435456 pixels; --max-pixels raises it"},
    {"BmpHugeDeclared", image("huge.bmp"), 1,
     "[image] {d}/huge.bmp: BMP header declares a 100000x100000 image (10000000000 pixels), over the limit of 268435456 pixels; --max-pixels raises it"},
    {"PgmHugeDeclared", image("huge.pgm"), 1,
     "[image] {d}/huge.pgm: PGM header declares a 100000x100000 image (10000000000 pixels), over the limit of 268435456 pixels; --max-pixels raises it"},
    {"TgaShortFileHugeDeclared", image("huge-short.tga"), 1,
     "[image] {d}/huge-short.tga: truncated TGA: 255x65535 pixels need more than the 48 bytes in the file"},
    {"HdrRefused", image("radiance.hdr"), 1,
     "[image] {d}/radiance.hdr: unsupported format: Radiance HDR is not supported " ACCEPTED},
    {"OverMaxPixelsOption", image("good.png", {"--max-pixels", "100"}), 1,
     "[image] {d}/good.png: PNG header declares a 16x12 image (192 pixels), over the limit of 100 pixels; --max-pixels raises it"},

    // Cut short: refused, never padded.
    {"PngTruncated", image("truncated.png"), 1,
     "[image] {d}/truncated.png: truncated PNG: the file ends early (libspng: end of stream)"},
    {"PngWithoutIend", image("no-iend.png"), 1,
     "[image] {d}/no-iend.png: truncated PNG: the file ends early (libspng: end of stream)"},
    {"JpegTruncated", image("truncated.jpg"), 1,
     "[image] {d}/truncated.jpg: truncated JPEG: the file ends early (libjpeg: Premature end of JPEG file)"},
    {"JpegTruncatedWithEndMarker", image("truncated-with-eoi.jpg"), 1,
     "[image] {d}/truncated-with-eoi.jpg: corrupt JPEG (libjpeg: Corrupt JPEG data: premature end of data segment)"},
    {"GifTruncated", image("truncated.gif"), 1,
     "[image] {d}/truncated.gif: truncated GIF: the file ends early (giflib: Failed to read from given file)"},
    {"GifWithoutTrailer", image("no-trailer.gif"), 1,
     "[image] {d}/no-trailer.gif: truncated GIF: the file ends early (giflib: Failed to read from given file)"},
    {"BmpTruncated", image("truncated.bmp"), 1,
     "[image] {d}/truncated.bmp: truncated BMP: 5x3 pixels at 24 bits end at byte 102, the file has 95"},
    {"TgaTruncated", image("truncated.tga"), 1,
     "[image] {d}/truncated.tga: truncated TGA: 4x3 pixels need more than the 49 bytes in the file"},
    {"TgaRunLengthTruncated", image("truncated-rle.tga"), 1,
     "[image] {d}/truncated-rle.tga: truncated TGA: 10x10 pixels need more than the 22 bytes in the file"},
    {"PgmTruncated", image("truncated.pgm"), 1,
     "[image] {d}/truncated.pgm: truncated PGM: 5x4 pixels need 20 bytes of samples, the file has 13"},
    {"Ppm16Truncated", image("truncated16.ppm"), 1,
     "[image] {d}/truncated16.ppm: truncated PPM: 3x2 pixels need 36 bytes of samples, the file has 35"},

    // Corrupt data.
    {"PngBadCrc", image("bad-crc.png"), 1,
     "[image] {d}/bad-crc.png: corrupt PNG (libspng: invalid chunk checksum)"},
    {"PngBadZlibChecksum", image("bad-zlib.png"), 1,
     "[image] {d}/bad-zlib.png: corrupt PNG (libspng: IDAT stream error)"},
    {"PngBadBitDepth", image("bad-depth.png"), 1,
     "[image] {d}/bad-depth.png: corrupt PNG (libspng: invalid bit depth)"},
    {"PngPaletteIndexOutOfRange", image("palette-index.png"), 1,
     "[image] {d}/palette-index.png: corrupt PNG: palette index 3 out of range (the palette has 2 entries)"},
    {"GifPaletteIndexOutOfRange", image("palette-index.gif"), 1,
     "[image] {d}/palette-index.gif: corrupt GIF: palette index 3 out of range (the colour table has 2 entries)"},
    {"BmpPaletteIndexOutOfRange", image("palette-index.bmp"), 1,
     "[image] {d}/palette-index.bmp: corrupt BMP: palette index 9 out of range (the colour table has 4 entries)"},
    {"TgaPaletteIndexOutOfRange", image("palette-index.tga"), 1,
     "[image] {d}/palette-index.tga: corrupt TGA: palette index 5 out of range (the colour map has 3 entries)"},
    {"JpegHuffmanTableOverflow", image("huffman-overflow.jpg"), 1,
     "[image] {d}/huffman-overflow.jpg: corrupt JPEG (libjpeg: Bogus Huffman table definition)"},
    {"PgmMaxvalZero", image("maxval0.pgm"), 1,
     "[image] {d}/maxval0.pgm: corrupt PGM header: maximum value 0 (1 to 65535 allowed)"},
    {"PgmMaxvalTooLarge", image("maxval70000.pgm"), 1,
     "[image] {d}/maxval70000.pgm: corrupt PGM header: maximum value 70000 (1 to 65535 allowed)"},
    {"PgmSampleAboveMaxval", image("over-maxval.pgm"), 1,
     "[image] {d}/over-maxval.pgm: corrupt PGM: sample 101 is above the maximum value 100"},

    // Variants and formats that are not read, and things that are no image at all.
    {"BmpRunLength", image("rle.bmp"), 1,
     "[image] {d}/rle.bmp: unsupported BMP: run-length compression"},
    {"BmpBitDepth7", image("depth7.bmp"), 1,
     "[image] {d}/depth7.bmp: unsupported BMP: 7 bits per pixel (1, 4, 8, 16, 24 and 32 are read)"},
    {"PlainTextPgm", image("plain.pgm"), 1,
     "[image] {d}/plain.pgm: unsupported format: plain-text or 1-bit PBM/PGM/PPM is not supported (binary P5/P6 is) " ACCEPTED},
    {"WebP", image("image.webp"), 1,
     "[image] {d}/image.webp: unsupported format: WebP is not supported " ACCEPTED},
    {"Psd", image("image.psd"), 1,
     "[image] {d}/image.psd: unsupported format: Photoshop PSD is not supported " ACCEPTED},
    {"TextFile", image("notes.txt"), 1,
     "[image] {d}/notes.txt: not an image anvil-siren can read " ACCEPTED},
    {"EmptyFile", image("empty.png"), 1, "[image] {d}/empty.png: file is empty"},
    {"DevZero", [](auto&, auto& o) { return small_run("/dev/zero", o, 3); }, 1,
     "[image] /dev/zero: is a device, not an image file"},
    {"DirectoryAsImage", [](auto& f, auto& o) { return small_run(f.dir(), o, 3); }, 1,
     "[image] {d}: is a directory, not an image"},

    // Checkpoints that load but must not be used.
    {"RenderNanWeight", render("nan-weight.safetensors"), 1,
     "[checkpoint] {d}/nan-weight.safetensors: tensor 'layers.1.weight' holds NaN (element 5 of 1024); the checkpoint is unusable"},
    {"RenderInfBias", render("inf-bias.safetensors"), 1,
     "[checkpoint] {d}/inf-bias.safetensors: tensor 'layers.2.bias' holds -Inf (element 0 of 1); the checkpoint is unusable"},
    {"ResumeNanOptimizerState", resume("nan-adam.safetensors"), 1,
     "[checkpoint] {d}/nan-adam.safetensors: tensor 'optimizer.layers.0.weight.v' holds NaN (element 3 of 64); the checkpoint is unusable"},
    {"ResumeNanLearningRate", resume("nan-lr.safetensors"), 1,
     "[checkpoint] {d}/nan-lr.safetensors: bad train.lr 'nan' in its metadata"},
    {"ResumeBadRngState", resume("bad-rng.safetensors"), 1,
     "[checkpoint] {d}/bad-rng.safetensors: bad train.batch_rng '12:zz' in its metadata"},
    {"RenderNegativeWidth", render("negative-width.safetensors"), 1,
     "[checkpoint] {d}/negative-width.safetensors: bad train.width '-16' in its metadata"},
    {"CheckpointEmpty", render("empty.safetensors"), 1,
     "[checkpoint] {d}/empty.safetensors: not a safetensors file (0 bytes, shorter than the 8-byte header length)"},
    {"CheckpointIsDirectory", render("a-directory.safetensors"), 1,
     "[checkpoint] {d}/a-directory.safetensors: not a regular file"},

    // Contradictory or impossible flags.
    {"RenderOnlyWithImageAndSteps",
     [](auto& f, auto& o) {
         return Args{"--render-only", f.checkpoint(), "--out", o, "--image", f.image(), "--steps", "9"};
     },
     2, "--render-only renders a checkpoint without training; --image, --steps would be ignored, remove them"},
    {"RenderOnlyWithLr", render("trained/model.safetensors", {"--lr", "0.1"}), 2,
     "--render-only renders a checkpoint without training; --lr would be ignored, remove them"},
    {"MaxPixelsZero", image("good.png", {"--max-pixels", "0"}), 2,
     "--max-pixels: expected a positive integer, got '0'"},
    {"MaxPixelsNotANumber", image("good.png", {"--max-pixels", "lots"}), 2,
     "--max-pixels: expected a positive integer, got 'lots'"},
};

class SirenHostileInput : public ::testing::TestWithParam<BadInput> {};

// The size and modification time of every file an argument names.
std::vector<std::string> fingerprints(const Args& args) {
    std::vector<std::string> prints;
    for (const std::string& a : args) {
        struct stat st {};
        if (::stat(a.c_str(), &st) == 0 && S_ISREG(st.st_mode))
            prints.push_back(a + " " + std::to_string(st.st_size) + " " +
                             std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) +
                             " " + std::to_string(read_file(a).size()));
    }
    return prints;
}

TEST_P(SirenHostileInput, OneExactLineAndNothingLost) {
    const BadInputFiles& f = BadInputFiles::get();
    TempDir out;
    const Args args = GetParam().args(f, out / "out") + Args{"--quiet"};
    const auto before = fingerprints(args);
    const RunResult r = run_siren(args);
    EXPECT_EQ(r.exit_code, GetParam().exit_code) << r.err;
    EXPECT_EQ(r.err, "anvil-siren: error: " + expand(GetParam().message, f.dir()) + "\n");
    EXPECT_FALSE(fs::exists(out / "out/model.safetensors"));
    EXPECT_EQ(fingerprints(args), before);
}

INSTANTIATE_TEST_SUITE_P(Cases, SirenHostileInput, ::testing::ValuesIn(kBadInputs),
                         [](const auto& p) { return std::string(p.param.name); });

// A --plugin-dir that does not exist is named: in the error when the backend asked for is
// unknown (perhaps because of it), as a warning when the run goes ahead without it.
TEST(SirenHostileInput, MissingPluginDirIsNamed) {
    const BadInputFiles& f = BadInputFiles::get();
    TempDir out;
    const Args unknown{"--backend", "reference", "--image", f.image(), "--out", out / "a", "--quiet"};
    const RunResult plain = run_siren(unknown);
    ASSERT_EQ(plain.exit_code, 2) << plain.err;
    ASSERT_EQ(plain.err.back(), '\n');
    const Args missing{"--plugin-dir", "/nonexistent-anvil-plugins"};
    const RunResult r = run_siren(unknown + missing);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, plain.err.substr(0, plain.err.size() - 1) +
                         " (--plugin-dir /nonexistent-anvil-plugins does not exist)\n");

    const RunResult ok = run_siren(small_run(f.image(), out / "b", 2) + missing);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(ok.err, "anvil-siren: warning: --plugin-dir /nonexistent-anvil-plugins does not "
                      "exist; no plugins were loaded from it\n");
}

// The list must stay at least as long as issue 13 asked (40 kinds).
TEST(SirenHostileInput, CoversAtLeastFortyKinds) {
    EXPECT_GE(std::size(kBadInputs), 40u);
}

}  // namespace
}  // namespace anvil::siren::test
