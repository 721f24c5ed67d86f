// Human-readable sizes and durations exactly as Docker prints them (github.com/docker/go-units).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace berth::cli {

// units.HumanSizeWithPrecision: decimal units (kB = 1000), `precision` significant digits (%g).
// Docker's image tables use precision 3 ("7.5MB", "1.98MB"); HumanSize uses 4.
std::string humanSize(double bytes, int precision = 4);
// units.BytesSize: binary units ("1.5GiB"), 4 significant digits (memory in stats/info).
std::string bytesSize(double bytes);

// units.HumanDuration: "Less than a second", "About a minute", "2 hours", "3 weeks"...
std::string humanDuration(int64_t nanoseconds);
// "2 hours ago" for a Unix time in seconds, relative to `now` (seconds; 0 = the clock).
std::string timeAgo(int64_t unixSeconds, int64_t now = 0);

// units.RAMInBytes: "64m", "1.5g", "512k", "100" (bytes), binary, case-insensitive, optional
// "b"/"ib" suffix. nullopt on bad syntax.
std::optional<int64_t> ramInBytes(const std::string& s);
// units.FromHumanSize: decimal ("10MB" = 10,000,000). nullopt on bad syntax.
std::optional<int64_t> fromHumanSize(const std::string& s);

// Docker's CreatedAt column: "2026-11-29 01:51:28 +0000 UTC" (Go's time.Time String, local zone).
std::string goTimeString(int64_t unixSeconds);
// RFC 3339 with nanoseconds as Docker's JSON carries times ("2026-11-29T01:51:28.123456789Z").
std::string rfc3339(int64_t unixSeconds, int64_t nanos = 0);
// Parses RFC 3339 ("2026-11-29T01:51:28.5Z", "+01:00" offsets) to Unix seconds; nullopt if bad.
std::optional<int64_t> parseRfc3339(const std::string& s);

}  // namespace berth::cli
