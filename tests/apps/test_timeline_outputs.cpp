// anvil-siren's timeline (frame picking, labels, the GIF read back with giflib, the contact
// sheet) and its output files (directory checks, metrics.csv round trip, snapshot names).
#include <gtest/gtest.h>

#include <gif_lib.h>

#include <filesystem>
#include <fstream>

#include "anvil/error.h"
#include "outputs.h"
#include "siren_test_util.h"
#include "timeline.h"

namespace anvil::siren::test {
namespace {

TEST(SirenTimeline, PickEvenlyKeepsFirstAndLast) {
    EXPECT_EQ(pick_evenly(0, 5), std::vector<std::size_t>{});
    EXPECT_EQ(pick_evenly(3, 5), (std::vector<std::size_t>{0, 1, 2}));
    EXPECT_EQ(pick_evenly(11, 3), (std::vector<std::size_t>{0, 5, 10}));
    EXPECT_EQ(pick_evenly(7, 1), (std::vector<std::size_t>{6}));
    const auto many = pick_evenly(1001, 100);
    EXPECT_EQ(many.size(), 100u);
    EXPECT_EQ(many.front(), 0u);
    EXPECT_EQ(many.back(), 1000u);
}

TEST(SirenTimeline, LabelDrawsWhiteTextOnBlack) {
    Image img(80, 20, 1);
    std::fill(img.pixels.begin(), img.pixels.end(), 0.5f);
    const int width = draw_label(img, 2, 3, "step 10", 1);
    EXPECT_EQ(width, 7 * 8 + 2);
    int white = 0, black = 0;
    for (int y = 3; y < 13; ++y)
        for (int x = 2; x < 2 + width; ++x) {
            white += img.at(x, y, 0) == 1.0f;
            black += img.at(x, y, 0) == 0.0f;
        }
    EXPECT_GT(white, 20);
    EXPECT_GT(black, white);
    EXPECT_EQ(img.at(70, 15, 0), 0.5f);  // outside the box
    draw_label(img, 75, 15, "clipped", 2);  // must not write out of bounds
}

struct DecodedGif {
    int width = 0, height = 0, frames = 0;
    std::vector<std::uint8_t> first;  // palette indices of frame 0
    ColorMapObject* palette = nullptr;
};

int read_from_vector(GifFileType* gif, GifByteType* out, int n) {
    auto* src = static_cast<std::pair<const std::vector<std::uint8_t>*, std::size_t>*>(gif->UserData);
    const int avail = static_cast<int>(src->first->size() - src->second);
    n = std::min(n, avail);
    std::copy_n(src->first->data() + src->second, n, out);
    src->second += static_cast<std::size_t>(n);
    return n;
}

TEST(SirenTimeline, GifHasEveryFrameAndExactGreyLevels) {
    std::vector<Image> frames;
    for (int f = 0; f < 3; ++f) {
        Image img(5, 4, 1);
        for (std::size_t i = 0; i < img.pixels.size(); ++i)
            img.pixels[i] = static_cast<float>((i * 13 + f * 50) % 256) / 255.0f;
        frames.push_back(img);
    }
    const auto bytes = encode_gif(frames, 10, 100);
    std::pair<const std::vector<std::uint8_t>*, std::size_t> src{&bytes, 0};
    int error = 0;
    GifFileType* gif = DGifOpen(&src, read_from_vector, &error);
    ASSERT_NE(gif, nullptr);
    ASSERT_EQ(DGifSlurp(gif), GIF_OK);
    EXPECT_EQ(gif->SWidth, 5);
    EXPECT_EQ(gif->SHeight, 4);
    ASSERT_EQ(gif->ImageCount, 3);
    const SavedImage& second = gif->SavedImages[1];
    for (int i = 0; i < 20; ++i) {
        const GifColorType c = gif->SColorMap->Colors[second.RasterBits[i]];
        EXPECT_EQ(c.Red, (i * 13 + 50) % 256) << i;
        EXPECT_EQ(c.Red, c.Blue);
    }
    GraphicsControlBlock gcb;
    ASSERT_EQ(DGifSavedExtensionToGCB(gif, 2, &gcb), GIF_OK);
    EXPECT_EQ(gcb.DelayTime, 100);
    DGifCloseFile(gif, &error);
    EXPECT_THROW(encode_gif({}, 1, 1), Error);
}

TEST(SirenTimeline, RgbGifSharesOnePaletteAndContactSheetHoldsThumbnails) {
    TempDir dir;
    std::vector<Frame> frames;
    for (int f = 0; f < 20; ++f) frames.push_back({f * 10, pattern_image(300, 200, 3)});
    write_timeline_gif(dir / "t.gif", frames);
    write_contact_sheet(dir / "t.png", frames);
    ImageInfo info;
    const Image gif_first = load_image(dir / "t.gif", &info);
    EXPECT_EQ(gif_first.width, 256);  // scaled to fit 256
    EXPECT_EQ(gif_first.height, 171);
    const Image sheet = load_image(dir / "t.png");
    // 16 frames at most: 4 columns x 4 rows of 160-px thumbnails plus labels.
    EXPECT_GT(sheet.width, 4 * 160);
    EXPECT_GT(sheet.height, 4 * (107 + 8));
    EXPECT_LT(sheet.width, 4 * 200);
    EXPECT_EQ(sheet.channels, 3);
}

TEST(SirenOutputs, DirectoryChecks) {
    TempDir dir;
    EXPECT_NO_THROW(prepare_output_dir(dir / "a/b/c"));
    EXPECT_TRUE(std::filesystem::is_directory(dir / "a/b/c"));
    std::ofstream(dir / "file") << "x";
    EXPECT_THROW(prepare_output_dir(dir / "file"), Error);
    EXPECT_THROW(prepare_output_dir(dir / "file/sub"), Error);
}

TEST(SirenOutputs, MetricsRoundTripAndSnapshots) {
    TempDir dir;
    std::vector<MetricRow> rows;
    for (int s = 1; s <= 5; ++s) rows.push_back({s, 1.0 / s, 10.0 + s, 1e-4, 0.5 * s});
    write_text_file(dir / "metrics.csv", format_metrics(rows));
    const auto back = read_metrics(dir / "metrics.csv", 3);
    ASSERT_EQ(back.size(), 3u);
    EXPECT_EQ(back[2].step, 3);
    EXPECT_NEAR(back[2].loss, 1.0 / 3, 1e-9);
    EXPECT_NEAR(back[2].psnr_db, 13.0, 1e-9);
    EXPECT_TRUE(read_metrics(dir / "none.csv", 10).empty());

    EXPECT_EQ(snapshot_name(120), "snapshots/step_000120.png");
    EXPECT_EQ(snapshot_name(1234567), "snapshots/step_1234567.png");
    std::filesystem::create_directories(dir / "snapshots");
    for (int s : {30, 0, 1234567})
        std::ofstream(dir / snapshot_name(s)) << "x";
    std::ofstream(dir / "snapshots/step_12.png") << "x";      // not our zero padding
    std::ofstream(dir / "snapshots/step_000040.txt") << "x";  // not a PNG
    EXPECT_EQ(list_snapshots(dir / "snapshots"), (std::vector<std::int64_t>{0, 30, 1234567}));
}

}  // namespace
}  // namespace anvil::siren::test
