// Docker's json-file log driver, written by the monitor:
//   {"log":"hello\n","stream":"stdout","time":"2026-11-29T01:51:28.123456789Z"}
// one entry per line of container output. A line longer than 16 KiB, or a last line without a
// newline, is written as a partial entry without "\n" (moby's copier does the same). Rotation as
// moby's loggerutils: before a write, if the file has reached max-size, FILE.(N-2) → FILE.(N-1)
// ... FILE → FILE.1 and a new FILE is started; with max-file 1 the file is truncated instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/fd.hpp"

namespace berth::monitor {

enum class Stream { Stdout = 0, Stderr = 1 };

class JsonLogWriter {
  public:
    static constexpr size_t kMaxLine = 16 * 1024;

    // Opens (appends to) path, mode 0640. maxSize -1: never rotate. Throws SysError.
    JsonLogWriter(std::string path, int64_t maxSize, int maxFiles);

    // Container output as it arrives; complete lines are written at once, the rest is held.
    void write(Stream stream, std::string_view data);
    // Writes what is held for stream as a partial entry (container exited, pipe closed).
    void flush(Stream stream);
    void flushAll() {
        flush(Stream::Stdout);
        flush(Stream::Stderr);
    }

    const std::string& path() const { return path_; }

  private:
    void writeEntry(Stream stream, std::string_view line, bool newline);
    void rotate();
    void open();

    std::string path_;
    int64_t maxSize_;
    int maxFiles_;
    UniqueFd fd_;
    int64_t size_ = 0;
    std::string partial_[2];
    std::string entry_;  // reused buffer: one write() per entry
};

// Appends s as the body of a JSON string the way Go's encoding/json does: \" \\ \n \r \t,
// \u00XX for other controls, \u003c \u003e \u0026 for < > &, \u2028 \u2029, and U+FFFD for
// invalid UTF-8.
void appendJsonEscaped(std::string& out, std::string_view s);

// RFC 3339 UTC with nanoseconds, trailing zeros trimmed (Go's RFC3339Nano).
std::string rfc3339NanoTrimmed(int64_t unixNs);
// Same, fixed 9 digits (what Docker's inspect shows for State.StartedAt etc.).
std::string rfc3339Nano(int64_t unixNs);
int64_t nowUnixNs();

}  // namespace berth::monitor
