#include "common/log.hpp"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace berth {
namespace {

int g_fd = STDERR_FILENO;
LogFormat g_format = LogFormat::Text;
LogLevel g_min = LogLevel::Info;

const char* levelName(LogLevel l) {
    switch (l) {
        case LogLevel::Debug: return "debug";
        case LogLevel::Info: return "info";
        case LogLevel::Warn: return "warning";
        case LogLevel::Error: return "error";
    }
    return "info";
}

}  // namespace

void configureLog(const std::string& path, LogFormat format, LogLevel minLevel) {
    g_format = format;
    g_min = minLevel;
    if (!path.empty()) {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0) throw SysError("open log file " + path);
        g_fd = fd;
    }
}

std::string rfc3339Now() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    tm t;
    gmtime_r(&ts.tv_sec, &t);
    char buf[64];
    // Formatted by hand: strftime calls tzset(), which reads /etc/localtime (UTC needs none).
    snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", t.tm_year + 1900,
             t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ts.tv_nsec);
    return buf;
}

void logMessage(LogLevel level, const std::string& msg) {
    if (level < g_min) return;
    std::string line;
    if (g_format == LogFormat::Json) {
        line = nlohmann::json{{"level", levelName(level)}, {"msg", msg}, {"time", rfc3339Now()}}
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
        line = std::string(levelName(level)) + ": " + msg;
    }
    line += '\n';
    // One write() per line so concurrent writers don't interleave within a line.
    (void)!::write(g_fd, line.data(), line.size());
}

}  // namespace berth
