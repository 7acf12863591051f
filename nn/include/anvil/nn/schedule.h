// Learning-rate schedules: constant, cosine decay to a floor, and step decay. A schedule is a
// pure function of the step index, so a resumed run gets exactly the rates it would have had.
#pragma once

#include <cstdint>
#include <string>

#include "anvil/export.h"

namespace anvil::nn {

enum class ScheduleKind : std::uint8_t { constant, cosine, step };
ANVIL_EXPORT const char* schedule_name(ScheduleKind kind);
ANVIL_EXPORT ScheduleKind parse_schedule(const std::string& name);  // "[schedule] unknown ..."

class ANVIL_EXPORT LrSchedule {
public:
    // lr(t) = lr.
    static LrSchedule constant(double lr);
    // lr(t) = min_lr + (lr - min_lr) (1 + cos(pi t / total_steps)) / 2 for t < total_steps,
    // min_lr afterwards. Throws unless total_steps > 0 and 0 <= min_lr <= lr.
    static LrSchedule cosine(double lr, std::int64_t total_steps, double min_lr = 0.0);
    // lr(t) = lr * gamma^floor(t / every). Throws unless every > 0 and 0 < gamma.
    static LrSchedule step(double lr, std::int64_t every, double gamma);

    // The rate for step t (0-based: the first update uses lr_at(0)). Throws for t < 0.
    double lr_at(std::int64_t t) const;

    ScheduleKind kind() const { return kind_; }
    double base_lr() const { return lr_; }
    double min_lr() const { return min_lr_; }
    std::int64_t total_steps() const { return total_steps_; }
    std::int64_t every() const { return every_; }
    double gamma() const { return gamma_; }
    // "cosine(lr=0.0001, min_lr=1e-06, steps=2000)", for logs.
    std::string describe() const;

private:
    LrSchedule() = default;
    ScheduleKind kind_ = ScheduleKind::constant;
    double lr_ = 0.0;
    double min_lr_ = 0.0;
    std::int64_t total_steps_ = 0;
    std::int64_t every_ = 1;
    double gamma_ = 1.0;
};

}  // namespace anvil::nn
