// Training progress on stderr: one line rewritten in place (step/total, steps/s, loss, PSNR,
// ETA) when stderr is a terminal, and plain lines every tenth of the run (or every 15 s)
// otherwise, so logs and CI output stay readable. --quiet silences it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace anvil::siren {

class Progress {
public:
    enum class Mode { terminal, lines, quiet };
    // Steps run from first_step + 1 to total (a resumed run starts past 0).
    Progress(Mode mode, std::int64_t first_step, std::int64_t total);
    // Terminal when stderr is a tty, lines otherwise; quiet when asked.
    static Mode detect(bool quiet);

    // Called after every step with the loss and PSNR of that step.
    void update(std::int64_t step, double loss, double psnr_db);
    // Ends the updating line (if any) so that later messages start on a fresh line.
    void finish();
    // Prints a message on its own line (not in quiet mode), keeping the progress line intact.
    void note(const std::string& message);

    // "1:05", "12:00:03": for ETAs.
    static std::string format_duration(double seconds);
    // The progress text for one step (no newline), for tests and both output modes.
    static std::string format_line(std::int64_t step, std::int64_t total, double steps_per_s,
                                   double loss, double psnr_db, double eta_s);

private:
    using Clock = std::chrono::steady_clock;
    void emit(std::int64_t step, double loss, double psnr_db, bool force);

    Mode mode_;
    std::int64_t first_step_, total_;
    std::int64_t line_every_;
    Clock::time_point start_, last_print_;
    bool line_open_ = false;
};

}  // namespace anvil::siren
