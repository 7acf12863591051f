// JPEG through libjpeg-turbo (Debian's libjpeg62-turbo, fuzzed upstream in OSS-Fuzz) rather than
// stb_image, whose Debian version overflows a heap buffer on a crafted Huffman table (nothings/stb
// #1289, #1291). libjpeg reports errors by longjmp: each step that can fail runs in its own small
// function holding only trivially destructible locals, and its warnings that the data is cut or
// damaged (premature end, corrupt entropy data) are errors here.
#include <csetjmp>
#include <cstdio>
#include <vector>

// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>
#include <jerror.h>

#include "image_decode.h"

namespace anvil::siren::detail {
namespace {

// A progressive JPEG can hold any number of scans, each a pass over the whole image: a few
// kilobytes could keep the decoder busy for minutes. Real files have about ten.
constexpr int kMaxScans = 256;

struct JpegJob {
    jpeg_decompress_struct cinfo{};
    jpeg_error_mgr err{};
    jpeg_progress_mgr progress{};
    std::jmp_buf jump{};
    char message[JMSG_LENGTH_MAX] = {};
    bool truncated = false;  // the failure was the data ending early
    bool created = false;
};

JpegJob& job_of(j_common_ptr cinfo) { return *static_cast<JpegJob*>(cinfo->client_data); }

[[noreturn]] void on_error(j_common_ptr cinfo) {
    JpegJob& job = job_of(cinfo);
    (*cinfo->err->format_message)(cinfo, job.message);
    job.truncated = cinfo->err->msg_code == JWRN_JPEG_EOF || cinfo->err->msg_code == JERR_INPUT_EOF;
    std::longjmp(job.jump, 1);
}

// msg_level < 0 is a warning. Those that say the data is cut or damaged (libjpeg would go on
// with grey blocks) are fatal here; the others (an unknown JFIF version or Adobe transform, a
// bad ICC marker that anvil does not read) and trace messages (>= 0) are ignored.
void on_message(j_common_ptr cinfo, int msg_level) {
    if (msg_level >= 0) return;
    switch (cinfo->err->msg_code) {
        case JWRN_ARITH_BAD_CODE:
        case JWRN_BOGUS_PROGRESSION:
        case JWRN_EXTRANEOUS_DATA:
        case JWRN_HIT_MARKER:
        case JWRN_HUFF_BAD_CODE:
        case JWRN_JPEG_EOF:
        case JWRN_MUST_RESYNC:
            on_error(cinfo);
        default:
            return;
    }
}

void on_progress(j_common_ptr cinfo) {
    const auto d = reinterpret_cast<j_decompress_ptr>(cinfo);
    if (d->input_scan_number > kMaxScans) {
        JpegJob& job = job_of(cinfo);
        std::snprintf(job.message, sizeof job.message, "more than %d progressive scans", kMaxScans);
        std::longjmp(job.jump, 1);
    }
}

// Each returns false with job.message set when libjpeg failed.
bool start(JpegJob& job, const std::uint8_t* data, std::size_t size) {
    job.cinfo.err = jpeg_std_error(&job.err);
    job.err.error_exit = on_error;
    job.err.emit_message = on_message;
    job.cinfo.client_data = &job;  // kept by jpeg_create_decompress
    if (setjmp(job.jump)) return false;
    jpeg_create_decompress(&job.cinfo);
    job.created = true;
    job.progress.progress_monitor = on_progress;
    job.cinfo.progress = &job.progress;
    jpeg_mem_src(&job.cinfo, data, static_cast<unsigned long>(size));
    jpeg_read_header(&job.cinfo, TRUE);
    return true;
}

bool decompress(JpegJob& job, std::uint8_t* out, std::size_t row_bytes) {
    if (setjmp(job.jump)) return false;
    jpeg_start_decompress(&job.cinfo);
    // `out` was sized from the header; without scaling the output is exactly that size.
    if (static_cast<std::size_t>(job.cinfo.output_width) *
            static_cast<std::size_t>(job.cinfo.output_components) != row_bytes) {
        std::snprintf(job.message, sizeof job.message, "output size differs from the header");
        return false;
    }
    while (job.cinfo.output_scanline < job.cinfo.output_height) {
        JSAMPROW row = out + row_bytes * job.cinfo.output_scanline;
        jpeg_read_scanlines(&job.cinfo, &row, 1);
    }
    jpeg_finish_decompress(&job.cinfo);
    return true;
}

struct Destroy {
    JpegJob& job;
    ~Destroy() {
        if (job.created) jpeg_destroy_decompress(&job.cinfo);
    }
};

}  // namespace

Image decode_jpeg(const ImageBytes& in, const ImageLimits& limits, ImageInfo& info) {
    JpegJob job;
    Destroy destroy{job};
    auto fail = [&] {
        image_error(in.name, std::string(job.truncated ? "truncated JPEG: the file ends early"
                                                       : "corrupt JPEG") +
                                 " (libjpeg: " + job.message + ")");
    };
    if (!start(job, in.data, in.size)) fail();
    jpeg_decompress_struct& c = job.cinfo;
    check_dimensions(in.name, "JPEG", c.image_width, c.image_height, limits);
    int file_channels = 0;
    switch (c.jpeg_color_space) {
        case JCS_GRAYSCALE:
            c.out_color_space = JCS_GRAYSCALE;
            file_channels = 1;
            break;
        case JCS_YCbCr:
        case JCS_RGB:
            c.out_color_space = JCS_RGB;
            file_channels = 3;
            break;
        default:
            image_error(in.name, "unsupported JPEG colour space (CMYK or YCCK; grey, YCbCr and "
                                 "RGB are accepted)");
    }
    if (c.num_components != file_channels)
        image_error(in.name, "corrupt JPEG: " + std::to_string(c.num_components) +
                                 " components for a " + std::to_string(file_channels) +
                                 "-channel colour space");
    const std::size_t row_bytes = static_cast<std::size_t>(c.image_width) * static_cast<std::size_t>(file_channels);
    std::vector<std::uint8_t> samples(row_bytes * c.image_height);
    if (!decompress(job, samples.data(), row_bytes)) fail();
    info = ImageInfo{"JPEG", file_channels, 8};
    return image_from_samples(samples.data(), static_cast<int>(c.image_width),
                              static_cast<int>(c.image_height), file_channels, file_channels, 255.0f);
}

}  // namespace anvil::siren::detail
