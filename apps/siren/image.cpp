// Reading image files with a byte limit (decoding is image_decode.cpp and the per-format
// decoders), resizing with stb_image_resize and PNG writing with stb_image_write (Debian's
// libstb). Every failure becomes one line naming the file and what is wrong with it.
#include "image.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stb_image_resize.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "anvil/error.h"
#include "anvil/nn/safetensors.h"

namespace anvil::siren {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw Error("[image] " + path + ": " + what);
}

struct Fd {
    int fd;
    ~Fd() { ::close(fd); }
};

// The whole file, refusing directories and devices outright (/dev/zero never ends) and
// anything over `max_bytes`: a regular file by its size before reading, a pipe while reading.
std::vector<std::uint8_t> read_limited(const std::string& path, std::int64_t max_bytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
    const Fd guard{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) fail(path, std::string("cannot stat: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) fail(path, "is a directory, not an image");
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) fail(path, "is a device, not an image file");
    const std::string over = "larger than the limit of " +
                             format_bytes(static_cast<std::size_t>(max_bytes)) +
                             " for an image file (--max-pixels raises it)";
    if (S_ISREG(st.st_mode) && st.st_size > max_bytes) fail(path, over);
    std::vector<std::uint8_t> bytes(S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) + 1 : 0);
    std::size_t done = 0;
    for (;;) {
        if (bytes.size() == done)
            bytes.resize(std::max<std::size_t>(bytes.size() * 2, std::size_t{1} << 16));
        const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(path, std::string("read error: ") + std::strerror(errno));
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
        if (done > static_cast<std::size_t>(max_bytes)) fail(path, over);
    }
    bytes.resize(done);
    return bytes;
}

}  // namespace

Image load_image(const std::string& path, ImageInfo* info, const ImageLimits& limits) {
    const std::vector<std::uint8_t> bytes = read_limited(path, limits.max_file_bytes);
    return decode_image(bytes.data(), bytes.size(), path, limits, info);
}

Image resize_image(const Image& image, int width, int height) {
    if (width == image.width && height == image.height) return image;
    Image out(width, height, image.channels);
    if (!stbir_resize_float(image.pixels.data(), image.width, image.height, 0, out.pixels.data(),
                            width, height, 0, image.channels))
        throw Error("[resize] cannot resize " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + " to " + std::to_string(width) + "x" +
                    std::to_string(height));
    // The cubic filters overshoot a little at edges.
    for (float& p : out.pixels) p = std::clamp(p, 0.0f, 1.0f);
    return out;
}

void fit_within(int width, int height, int side, int& out_width, int& out_height) {
    if (width <= side && height <= side) {
        out_width = width;
        out_height = height;
        return;
    }
    const double scale = static_cast<double>(side) / std::max(width, height);
    out_width = std::max(1, static_cast<int>(std::lround(width * scale)));
    out_height = std::max(1, static_cast<int>(std::lround(height * scale)));
}

std::vector<std::uint8_t> to_bytes(const Image& image) {
    std::vector<std::uint8_t> out(image.pixels.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const float p = image.pixels[i];
        out[i] = std::isnan(p) ? 0 : static_cast<std::uint8_t>(std::lround(std::clamp(p, 0.0f, 1.0f) * 255.0f));
    }
    return out;
}

Image to_rgb(const Image& image) {
    if (image.channels == 3) return image;
    Image out(image.width, image.height, 3);
    for (std::size_t i = 0; i < image.pixels.size(); ++i)
        for (std::size_t c = 0; c < 3; ++c) out.pixels[i * 3 + c] = image.pixels[i];
    return out;
}

void write_png(const std::string& path, const Image& image) {
    const std::vector<std::uint8_t> bytes = to_bytes(image);
    std::vector<std::uint8_t> png;
    auto append = [](void* context, void* data, int size) {
        auto* out = static_cast<std::vector<std::uint8_t>*>(context);
        const auto* p = static_cast<const std::uint8_t*>(data);
        out->insert(out->end(), p, p + size);
    };
    if (!stbi_write_png_to_func(append, &png, image.width, image.height, image.channels,
                                bytes.data(), image.width * image.channels))
        throw Error("[png] " + path + ": cannot encode a " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + " image");
    nn::write_file_atomically(path, png.data(), png.size(), "png");
}

}  // namespace anvil::siren
