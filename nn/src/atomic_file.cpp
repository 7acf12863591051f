// POSIX file I/O for checkpoints: whole-file reads, and atomic replacement (temporary file in
// the target's directory, fsync, rename, directory fsync) so a crash or a full disk during a
// save never leaves a half-written file where the previous good one was.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "anvil/error.h"
#include "anvil/nn/safetensors.h"
#include "internal.h"

namespace anvil::nn {

namespace {
std::string errno_text() { return std::strerror(errno); }

// Closes a descriptor on scope exit unless released; removes the temporary file on failure.
struct TempFile {
    int fd = -1;
    std::string path;
    bool keep = false;
    ~TempFile() {
        if (fd >= 0) ::close(fd);
        if (!keep && !path.empty()) ::unlink(path.c_str());
    }
};

// Returns 0, or the errno of the write that failed.
int write_all(int fd, const void* data, std::size_t bytes) {
    const char* p = static_cast<const char*>(data);
    while (bytes > 0) {
        const ssize_t n = ::write(fd, p, bytes);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        p += n;
        bytes -= static_cast<std::size_t>(n);
    }
    return 0;
}
}  // namespace

void write_file_atomically(const std::string& path, const void* data, std::size_t bytes,
                           const char* what) {
    const std::string tag = std::string("[") + what + "] " + path + ": ";
    const std::filesystem::path target(path);
    if (!target.has_filename()) throw Error(tag + "not a file name");
    const std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
    static std::atomic<unsigned> counter{0};
    TempFile tmp;
    // A hidden name unique to this process and call, next to the target so rename is atomic.
    // (Built by appending: GCC 12 warns falsely (-Wrestrict) on "." + std::string.)
    std::string name(1, '.');
    name += target.filename().string();
    name += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    tmp.path = (std::filesystem::path(dir) / name).string();
    tmp.fd = ::open(tmp.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (tmp.fd < 0) {
        const std::string reason = errno_text();
        tmp.path.clear();  // nothing was created
        throw Error(tag + "cannot create a temporary file in '" + dir + "': " + reason);
    }
    if (const int err = write_all(tmp.fd, data, bytes); err != 0)
        throw Error(tag + "cannot write '" + tmp.path + "': " + std::strerror(err));
    if (::fsync(tmp.fd) != 0) throw Error(tag + "cannot flush '" + tmp.path + "': " + errno_text());
    const int fd = tmp.fd;
    tmp.fd = -1;
    if (::close(fd) != 0) throw Error(tag + "cannot close '" + tmp.path + "': " + errno_text());
    if (::rename(tmp.path.c_str(), path.c_str()) != 0)
        throw Error(tag + "cannot rename '" + tmp.path + "' over it: " + errno_text());
    tmp.keep = true;
    // Make the rename itself durable. Some filesystems cannot fsync a directory (EINVAL); the
    // file is in place either way.
    const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        const int rc = ::fsync(dir_fd);
        const int err = errno;
        ::close(dir_fd);
        if (rc != 0 && err != EINVAL)
            throw Error(tag + "cannot flush directory '" + dir + "': " + std::strerror(err));
    }
}

namespace detail {

std::vector<std::byte> read_file_bytes(const std::string& path, const char* what) {
    const std::string tag = std::string("[") + what + "] " + path + ": ";
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(tag + "cannot open: " + errno_text());
    TempFile guard;  // only closes: path stays empty
    guard.fd = fd;
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw Error(tag + "cannot stat: " + errno_text());
    if (!S_ISREG(st.st_mode)) throw Error(tag + "not a regular file");
    std::vector<std::byte> bytes(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(tag + "cannot read: " + errno_text());
        if (n == 0) break;  // shrank while reading: decode reports what is missing
        done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    return bytes;
}

}  // namespace detail
}  // namespace anvil::nn
