// --since/--until values as Docker takes them (api/types/time.GetTimestamp): a Go duration
// ("10m", "1h30m": that long before now, whole seconds), an RFC 3339 date or time with or
// without zone ("2026-11-29", "2026-11-29T05:00", "2026-11-29T05:00:00.5Z", "...+01:00"; without a
// zone in local time), or a unix timestamp ("1764392400", "1764392400.123456789").
#pragma once

#include <cstdint>
#include <string>

namespace berth::engine::events {

// Unix nanoseconds. Throws Error: `failed to parse value as time or duration: "x"` (Docker's
// text; callers prefix `invalid value for "since": `).
int64_t parseTimeArg(const std::string& value, int64_t nowNs);

// Unix nanoseconds now.
int64_t nowNanos();

// RFC 3339 with 9 fraction digits in local time ("2026-11-29T05:00:00.123456789Z" in UTC,
// "...+01:00" elsewhere): Go's jsonmessage.RFC3339NanoFixed, how `docker events` and
// `docker logs -t` print times.
std::string rfc3339NanoFixedLocal(int64_t unixNs);

}  // namespace berth::engine::events
