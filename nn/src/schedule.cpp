// Learning-rate schedules as pure functions of the step index.
#include "anvil/nn/schedule.h"

#include <cmath>
#include <numbers>
#include <sstream>

#include "anvil/error.h"
#include "internal.h"

namespace anvil::nn {

namespace {
[[noreturn]] void schedule_error(const std::string& what) { throw Error("[schedule] " + what); }

void require_lr(double lr) {
    if (!(std::isfinite(lr) && lr > 0.0))
        schedule_error("learning rate must be a finite number > 0, got " +
                       detail::format_number(lr));
}
}  // namespace

const char* schedule_name(ScheduleKind kind) {
    switch (kind) {
        case ScheduleKind::constant:
            return "constant";
        case ScheduleKind::cosine:
            return "cosine";
        case ScheduleKind::step:
            return "step";
    }
    return "?";
}

ScheduleKind parse_schedule(const std::string& name) {
    const std::string lower = detail::lower_ascii(name);
    for (ScheduleKind kind : {ScheduleKind::constant, ScheduleKind::cosine, ScheduleKind::step})
        if (lower == schedule_name(kind)) return kind;
    schedule_error("unknown schedule '" + name + "' (expected constant, cosine or step)");
}

LrSchedule LrSchedule::constant(double lr) {
    require_lr(lr);
    LrSchedule s;
    s.lr_ = lr;
    return s;
}

LrSchedule LrSchedule::cosine(double lr, std::int64_t total_steps, double min_lr) {
    if (total_steps <= 0)
        schedule_error("cosine needs total steps > 0, got " + std::to_string(total_steps));
    if (!(min_lr >= 0.0 && min_lr <= lr))
        schedule_error("cosine floor min_lr must lie in [0, lr = " + detail::format_number(lr) +
                       "], got " + detail::format_number(min_lr));
    LrSchedule s = constant(lr);
    s.kind_ = ScheduleKind::cosine;
    s.min_lr_ = min_lr;
    s.total_steps_ = total_steps;
    return s;
}

LrSchedule LrSchedule::step(double lr, std::int64_t every, double gamma) {
    if (every <= 0) schedule_error("step decay needs every > 0, got " + std::to_string(every));
    if (!(std::isfinite(gamma) && gamma > 0.0))
        schedule_error("step decay needs a finite gamma > 0, got " + detail::format_number(gamma));
    LrSchedule s = constant(lr);
    s.kind_ = ScheduleKind::step;
    s.every_ = every;
    s.gamma_ = gamma;
    return s;
}

double LrSchedule::lr_at(std::int64_t t) const {
    if (t < 0) schedule_error("step must be >= 0, got " + std::to_string(t));
    switch (kind_) {
        case ScheduleKind::constant:
            return lr_;
        case ScheduleKind::cosine: {
            if (t >= total_steps_) return min_lr_;
            const double progress = static_cast<double>(t) / static_cast<double>(total_steps_);
            return min_lr_ + (lr_ - min_lr_) * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
        }
        case ScheduleKind::step:
            return lr_ * std::pow(gamma_, static_cast<double>(t / every_));
    }
    return lr_;
}

std::string LrSchedule::describe() const {
    std::ostringstream out;
    out << schedule_name(kind_) << "(lr=" << lr_;
    if (kind_ == ScheduleKind::cosine) out << ", min_lr=" << min_lr_ << ", steps=" << total_steps_;
    if (kind_ == ScheduleKind::step) out << ", every=" << every_ << ", gamma=" << gamma_;
    out << ")";
    return out.str();
}

}  // namespace anvil::nn
