#include "engine/events/time_arg.hpp"

#include <time.h>

#include <cctype>
#include <cstdio>

#include "common/error.hpp"
#include "engine/monitor/options.hpp"

namespace berth::engine::events {

namespace {

[[noreturn]] void bad(const std::string& v) {
    throw Error("failed to parse value as time or duration: \"" + v + "\"", EINVAL);
}

// Reads exactly n digits at s[i].
bool digits(const std::string& s, size_t& i, size_t n, int& out) {
    if (i + n > s.size()) return false;
    out = 0;
    for (size_t k = 0; k < n; ++k) {
        if (!isdigit(static_cast<unsigned char>(s[i + k]))) return false;
        out = out * 10 + (s[i + k] - '0');
    }
    i += n;
    return true;
}

// YYYY-MM-DD[THH[:MM[:SS[.frac]]]][Z|±HH:MM] → unix ns; false if it is not that shape.
bool parseRfc3339ish(const std::string& s, int64_t& out) {
    size_t i = 0;
    tm t{};
    int year, mon, day;
    if (!digits(s, i, 4, year) || i >= s.size() || s[i++] != '-' || !digits(s, i, 2, mon) ||
        i >= s.size() || s[i++] != '-' || !digits(s, i, 2, day))
        return false;
    if (mon < 1 || mon > 12 || day < 1 || day > 31) return false;
    t.tm_year = year - 1900;
    t.tm_mon = mon - 1;
    t.tm_mday = day;
    int64_t frac = 0;
    if (i < s.size() && (s[i] == 'T' || s[i] == 't')) {
        ++i;
        if (!digits(s, i, 2, t.tm_hour) || t.tm_hour > 23) return false;
        if (i < s.size() && s[i] == ':') {
            ++i;
            if (!digits(s, i, 2, t.tm_min) || t.tm_min > 59) return false;
            if (i < s.size() && s[i] == ':') {
                ++i;
                if (!digits(s, i, 2, t.tm_sec) || t.tm_sec > 60) return false;
                if (i < s.size() && s[i] == '.') {
                    ++i;
                    int64_t scale = 100'000'000;
                    size_t start = i;
                    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) {
                        frac += (s[i] - '0') * scale;
                        scale /= 10;
                        ++i;
                    }
                    if (i == start) return false;
                }
            }
        }
    }
    bool local = true;
    int64_t offsetSec = 0;
    if (i < s.size()) {
        if (s[i] == 'Z' || s[i] == 'z') {
            local = false;
            ++i;
        } else if (s[i] == '+' || s[i] == '-') {
            int sign = s[i] == '-' ? -1 : 1;
            ++i;
            int oh, om;
            if (!digits(s, i, 2, oh) || i >= s.size() || s[i++] != ':' || !digits(s, i, 2, om))
                return false;
            local = false;
            offsetSec = sign * (oh * 3600 + om * 60);
        }
    }
    if (i != s.size()) return false;
    time_t sec;
    if (local) {
        t.tm_isdst = -1;
        sec = mktime(&t);
    } else {
        sec = timegm(&t) - offsetSec;
    }
    out = int64_t(sec) * 1'000'000'000 + frac;
    return true;
}

}  // namespace

int64_t nowNanos() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int64_t parseTimeArg(const std::string& value, int64_t nowNs) {
    if (value.empty()) bad(value);
    if (value != "0") {
        try {
            bool neg = value[0] == '-';
            int64_t d = monitor::parseDuration(neg ? value.substr(1) : value);
            if (neg) d = -d;
            // Docker sends reference.Add(-d).Unix(): whole seconds.
            return ((nowNs - d) / 1'000'000'000) * 1'000'000'000;
        } catch (const Error&) {
        }
    }
    int64_t ns = 0;
    if (parseRfc3339ish(value, ns)) return ns;
    if (value.find('-') != std::string::npos) bad(value);
    // A unix timestamp: seconds[.fraction].
    size_t dot = value.find('.');
    std::string secPart = value.substr(0, dot);
    std::string fracPart = dot == std::string::npos ? "" : value.substr(dot + 1);
    if (secPart.empty() || secPart.size() > 12 || fracPart.size() > 9) bad(value);
    for (char c : secPart + fracPart)
        if (!isdigit(static_cast<unsigned char>(c))) bad(value);
    fracPart.resize(9, '0');
    return std::stoll(secPart) * 1'000'000'000 + std::stoll(fracPart);
}

std::string rfc3339NanoFixedLocal(int64_t unixNs) {
    time_t sec = static_cast<time_t>(unixNs / 1'000'000'000);
    long nsec = static_cast<long>(unixNs % 1'000'000'000);
    tm t{};
    localtime_r(&sec, &t);
    char buf[64];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
    n += snprintf(buf + n, sizeof buf - n, ".%09ld", nsec);
    long off = t.tm_gmtoff;
    if (off == 0) {
        snprintf(buf + n, sizeof buf - n, "Z");
    } else {
        char sign = off < 0 ? '-' : '+';
        if (off < 0) off = -off;
        snprintf(buf + n, sizeof buf - n, "%c%02ld:%02ld", sign, off / 3600, (off % 3600) / 60);
    }
    return buf;
}

}  // namespace berth::engine::events
