// Healthcheck bookkeeping with Docker's semantics (moby daemon/health.go): a zero exit makes the
// container healthy and resets the failing streak; a failure outside the start period adds to the
// streak, and `retries` failures in a row make it unhealthy. The last 5 probes are kept, their
// output cut to 4096 bytes. Serialised as Docker's State.Health object.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

namespace berth::monitor {

struct HealthProbe {
    int64_t startNs = 0;
    int64_t endNs = 0;
    int exitCode = 0;  // -1: timed out or could not run
    std::string output;
};

class HealthState {
  public:
    enum class Status { None, Starting, Healthy, Unhealthy };
    static constexpr size_t kMaxLog = 5;
    static constexpr size_t kMaxOutput = 4096;

    // A (re)started container begins "starting" with an empty streak and log.
    void reset() {
        status_ = Status::Starting;
        failingStreak_ = 0;
        log_.clear();
    }
    // inStartPeriod: the container started less than start-period ago (failures don't count).
    void record(HealthProbe probe, int retries, bool inStartPeriod);

    Status status() const { return status_; }
    const char* statusName() const;
    int failingStreak() const { return failingStreak_; }
    const std::deque<HealthProbe>& log() const { return log_; }
    // {"Status":"healthy","FailingStreak":0,"Log":[{"Start":..,"End":..,"ExitCode":0,"Output":..}]}
    std::string toJson() const;

  private:
    Status status_ = Status::None;
    int failingStreak_ = 0;
    std::deque<HealthProbe> log_;
};

}  // namespace berth::monitor
