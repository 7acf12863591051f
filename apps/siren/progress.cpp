// Progress reporting for anvil-siren (see progress.h).
#include "progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace anvil::siren {

Progress::Progress(Mode mode, std::int64_t first_step, std::int64_t total)
    : mode_(mode), first_step_(first_step), total_(total),
      line_every_(std::max<std::int64_t>(1, (total - first_step) / 10)), start_(Clock::now()),
      // The first update always prints.
      last_print_(start_ - std::chrono::hours(1)) {}

Progress::Mode Progress::detect(bool quiet) {
    if (quiet) return Mode::quiet;
    return isatty(STDERR_FILENO) ? Mode::terminal : Mode::lines;
}

std::string Progress::format_duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    auto s = static_cast<long long>(std::llround(seconds));
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
    return buf;
}

std::string Progress::format_line(std::int64_t step, std::int64_t total, double steps_per_s,
                                  double loss, double psnr_db, double eta_s) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "step %lld/%lld | %.1f steps/s | loss %.5g | PSNR %.2f dB | ETA %s",
                  static_cast<long long>(step), static_cast<long long>(total), steps_per_s, loss,
                  psnr_db, format_duration(eta_s).c_str());
    return buf;
}

void Progress::update(std::int64_t step, double loss, double psnr_db) {
    emit(step, loss, psnr_db, step == total_);
}

void Progress::emit(std::int64_t step, double loss, double psnr_db, bool force) {
    if (mode_ == Mode::quiet) return;
    const auto now = Clock::now();
    const double since_print = std::chrono::duration<double>(now - last_print_).count();
    if (mode_ == Mode::terminal) {
        // Redrawing more than 10 times a second only costs time.
        if (!force && since_print < 0.1) return;
    } else if (!force && (step - first_step_) % line_every_ != 0 && since_print < 15.0) {
        return;
    }
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(step - first_step_) / elapsed : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total_ - step) / rate : NAN;
    const std::string line = format_line(step, total_, rate, loss, psnr_db, eta);
    if (mode_ == Mode::terminal) {
        // \r and erase-to-end-of-line: the line shrinks cleanly when numbers get shorter.
        std::fprintf(stderr, "\r%s\033[K", line.c_str());
        line_open_ = true;
    } else {
        std::fprintf(stderr, "%s\n", line.c_str());
    }
    std::fflush(stderr);
    last_print_ = now;
}

void Progress::finish() {
    if (line_open_) std::fputc('\n', stderr);
    line_open_ = false;
    std::fflush(stderr);
}

void Progress::note(const std::string& message) {
    if (mode_ == Mode::quiet) return;
    if (line_open_) std::fputs("\r\033[K", stderr);
    std::fprintf(stderr, "%s\n", message.c_str());
    line_open_ = false;
    std::fflush(stderr);
}

}  // namespace anvil::siren
