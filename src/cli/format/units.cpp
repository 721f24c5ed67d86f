#include "cli/format/units.hpp"

#include <time.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <regex>

namespace berth::cli {
namespace {

const char* const kDecimal[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
const char* const kBinary[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};

std::string customSize(double size, double base, const char* const* units, int precision) {
    int i = 0;
    while (size >= base && i < 8) {
        size /= base;
        ++i;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g%s", precision, size, units[i]);
    return buf;
}

std::optional<int64_t> parseSize(const std::string& s, double k) {
    static const std::regex re(R"(^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$)");
    std::smatch m;
    if (!std::regex_match(s, m, re)) return std::nullopt;
    double size = std::strtod(m[1].str().c_str(), nullptr);
    if (m[3].matched) {
        const std::string prefixes = "kmgtp";
        auto idx = prefixes.find(static_cast<char>(std::tolower(m[3].str()[0])));
        size *= std::pow(k, static_cast<double>(idx + 1));
    }
    return static_cast<int64_t>(size);
}

}  // namespace

std::string humanSize(double bytes, int precision) {
    return customSize(bytes, 1000.0, kDecimal, precision);
}

std::string bytesSize(double bytes) {
    return customSize(bytes, 1024.0, kBinary, 4);
}

std::string humanDuration(int64_t ns) {
    int64_t seconds = ns / 1000000000;
    if (seconds < 1) return "Less than a second";
    if (seconds == 1) return "1 second";
    if (seconds < 60) return std::to_string(seconds) + " seconds";
    int64_t minutes = ns / 60000000000LL;
    if (minutes == 1) return "About a minute";
    if (minutes < 60) return std::to_string(minutes) + " minutes";
    auto hours = static_cast<int64_t>(std::round(static_cast<double>(ns) / 3.6e12));
    if (hours == 1) return "About an hour";
    if (hours < 48) return std::to_string(hours) + " hours";
    if (hours < 24 * 7 * 2) return std::to_string(hours / 24) + " days";
    if (hours < 24 * 30 * 2) return std::to_string(hours / 24 / 7) + " weeks";
    if (hours < 24 * 365 * 2) return std::to_string(hours / 24 / 30) + " months";
    return std::to_string(ns / 3600000000000LL / 24 / 365) + " years";
}

std::string timeAgo(int64_t unixSeconds, int64_t now) {
    if (now == 0) now = ::time(nullptr);
    return humanDuration((now - unixSeconds) * 1000000000LL) + " ago";
}

std::optional<int64_t> ramInBytes(const std::string& s) {
    return parseSize(s, 1024.0);
}
std::optional<int64_t> fromHumanSize(const std::string& s) {
    return parseSize(s, 1000.0);
}

std::string goTimeString(int64_t unixSeconds) {
    time_t t = static_cast<time_t>(unixSeconds);
    tm local;
    localtime_r(&t, &local);
    char buf[96];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z %Z", &local);
    return buf;
}

std::string rfc3339(int64_t unixSeconds, int64_t nanos) {
    time_t t = static_cast<time_t>(unixSeconds);
    tm utc;
    gmtime_r(&t, &utc);
    char buf[96];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    if (nanos > 0) {
        // Go's RFC3339Nano drops trailing zeros.
        char frac[32];
        snprintf(frac, sizeof frac, "%09lld", static_cast<long long>(nanos));
        std::string f(frac);
        while (!f.empty() && f.back() == '0') f.pop_back();
        n += static_cast<size_t>(snprintf(buf + n, sizeof buf - n, ".%s", f.c_str()));
    }
    snprintf(buf + n, sizeof buf - n, "Z");
    return buf;
}

std::optional<int64_t> parseRfc3339(const std::string& s) {
    static const std::regex re(
        R"(^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
    std::smatch m;
    if (!std::regex_match(s, m, re)) return std::nullopt;
    tm t{};
    t.tm_year = std::stoi(m[1]) - 1900;
    t.tm_mon = std::stoi(m[2]) - 1;
    t.tm_mday = std::stoi(m[3]);
    t.tm_hour = std::stoi(m[4]);
    t.tm_min = std::stoi(m[5]);
    t.tm_sec = std::stoi(m[6]);
    int64_t secs = timegm(&t);
    std::string zone = m[8];
    if (zone != "Z" && zone != "z") {
        int off = std::stoi(zone.substr(1, 2)) * 3600 + std::stoi(zone.substr(4, 2)) * 60;
        secs -= zone[0] == '+' ? off : -off;
    }
    return secs;
}

}  // namespace berth::cli
