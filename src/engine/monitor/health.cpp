#include "engine/monitor/health.hpp"

#include "engine/monitor/json_out.hpp"

namespace berth::monitor {

void HealthState::record(HealthProbe probe, int retries, bool inStartPeriod) {
    if (probe.output.size() > kMaxOutput) probe.output.resize(kMaxOutput);
    if (probe.exitCode == 0) {
        failingStreak_ = 0;
        status_ = Status::Healthy;
    } else if (!(status_ == Status::Starting && inStartPeriod)) {
        ++failingStreak_;
        if (failingStreak_ >= retries) status_ = Status::Unhealthy;
    }
    log_.push_back(std::move(probe));
    while (log_.size() > kMaxLog) log_.pop_front();
}

const char* HealthState::statusName() const {
    switch (status_) {
        case Status::Starting:
            return "starting";
        case Status::Healthy:
            return "healthy";
        case Status::Unhealthy:
            return "unhealthy";
        case Status::None:
            break;
    }
    return "none";
}

std::string HealthState::toJson() const {
    std::string entries = "[";
    for (const auto& p : log_) {
        if (entries.size() > 1) entries += ',';
        entries += JsonOut()
                       .str("Start", rfc3339Nano(p.startNs))
                       .str("End", rfc3339Nano(p.endNs))
                       .num("ExitCode", p.exitCode)
                       .str("Output", p.output)
                       .done();
    }
    entries += ']';
    return JsonOut()
        .str("Status", statusName())
        .num("FailingStreak", failingStreak_)
        .raw("Log", entries)
        .done();
}

}  // namespace berth::monitor
