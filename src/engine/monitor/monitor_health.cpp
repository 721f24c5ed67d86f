// Healthchecks: `<runtime> exec <id> CMD...` every interval, with a timeout, results kept as
// Docker's State.Health in state-dir/health.json.
#include <signal.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/monitor/event_file.hpp"
#include "engine/monitor/monitor.hpp"
#include "engine/monitor/monitor_internal.hpp"
#include "engine/monitor/process.hpp"

namespace berth::monitor {

// Go's time.Duration String() for the common cases ("30s", "1.5s", "500ms", "2m0s").
static std::string goDuration(int64_t ns) {
    if (ns < 1'000'000'000) return std::to_string(ns / 1'000'000) + "ms";
    int64_t minutes = ns / 60'000'000'000;
    int64_t rest = ns % 60'000'000'000;
    std::string secs = std::to_string(rest / 1'000'000'000);
    if (int64_t frac = rest % 1'000'000'000; frac != 0) {
        std::string digits = std::to_string(frac + 1'000'000'000).substr(1);
        while (!digits.empty() && digits.back() == '0') digits.pop_back();
        secs += "." + digits;
    }
    return (minutes ? std::to_string(minutes) + "m" : "") + secs + "s";
}

void Monitor::armHealthTimer(int64_t delayNs) {
    if (healthTimer_) armTimer(healthTimer_.get(), delayNs);
}

void Monitor::startHealthProbe() {
    uint64_t expirations;
    if (::read(healthTimer_.get(), &expirations, sizeof expirations) < 0) return;
    if (status_ != Status::Running || healthPid_ > 0) return;
    std::vector<std::string> argv = runtimeCommand(opts_, {"exec", opts_.id});
    argv.insert(argv.end(), opts_.health.command.begin(), opts_.health.command.end());
    healthStartNs_ = nowUnixNs();
    healthText_.clear();
    healthTimedOut_ = false;
    try {
        Pipe out = Pipe::make();
        healthPid_ = spawnProcess(argv, {-1, out.write.get(), out.write.get()});
        healthOutput_ = std::move(out.read);
        setNonBlocking(healthOutput_.get());
        watch(healthOutput_.get(), kTagHealthOutput, EPOLLIN);
        armTimer(healthTimeout_.get(), opts_.health.timeoutNs);
    } catch (const Error& e) {
        healthPid_ = -1;
        healthOutput_.reset();
        health_.record({healthStartNs_, nowUnixNs(), -1, e.what()}, opts_.health.retries, false);
        replaceFile(path("health.json"), health_.toJson());
        armHealthTimer(opts_.health.intervalNs);
    }
}

void Monitor::onHealthOutput() {
    if (!healthOutput_) return;
    char buf[4096];
    ssize_t n = ::read(healthOutput_.get(), buf, sizeof buf);
    if (n > 0) {
        size_t room =
            HealthState::kMaxOutput - std::min(healthText_.size(), HealthState::kMaxOutput);
        healthText_.append(buf, std::min(room, static_cast<size_t>(n)));
        return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    unwatch(healthOutput_.get());
    healthOutput_.reset();
}

void Monitor::onHealthTimeout() {
    uint64_t expirations;
    if (::read(healthTimeout_.get(), &expirations, sizeof expirations) < 0) return;
    if (healthPid_ <= 0) return;
    healthTimedOut_ = true;
    kill(healthPid_, SIGKILL);
}

void Monitor::onHealthExit(int waitStatus) {
    healthPid_ = -1;
    armTimer(healthTimeout_.get(), 0);
    if (healthOutput_) {
        std::string rest = drainFd(healthOutput_.get());
        healthText_.append(rest.substr(
            0, HealthState::kMaxOutput - std::min(healthText_.size(), HealthState::kMaxOutput)));
        unwatch(healthOutput_.get());
        healthOutput_.reset();
    }
    HealthProbe probe{healthStartNs_, nowUnixNs(), 0, std::move(healthText_)};
    healthText_.clear();
    if (healthTimedOut_) {
        probe.exitCode = -1;
        probe.output = "Health check exceeded timeout (" + goDuration(opts_.health.timeoutNs) + ")";
    } else {
        probe.exitCode = WIFEXITED(waitStatus) ? WEXITSTATUS(waitStatus) : -1;
    }
    if (status_ != Status::Running) return;  // the container exited meanwhile
    bool inStartPeriod = probe.endNs - startedAtNs_ < opts_.health.startPeriodNs;
    auto before = health_.status();
    health_.record(std::move(probe), opts_.health.retries, inStartPeriod);
    try {
        replaceFile(path("health.json"), health_.toJson() + "\n");
    } catch (const Error& e) {
        diag(std::string("writing health.json: ") + e.what());
    }
    if (health_.status() != before) {
        writeState();
        appendMonitorEvent(opts_.stateDir, std::string("health_status: ") + health_.statusName(), {});
    }
    armHealthTimer(opts_.health.intervalNs);
}

}  // namespace berth::monitor
