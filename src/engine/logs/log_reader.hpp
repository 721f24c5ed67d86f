// Reads what berth-monitor's json-file driver wrote (engine/monitor/json_log.hpp), as Docker's
// json-file reader does for `logs`: the rotated files oldest first (FILE.N ... FILE.1, FILE),
// partial entries (a line without "\n": over 16 KiB, or the last one before exit) as they are,
// --tail over the entries, then --since/--until on their times. A LogFollower continues from there
// (`logs -f`): new lines as they come, across a rotation (FILE renamed to FILE.1: the old file is
// read to its end, then the new FILE from its start) and a truncation (max-file 1).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/fd.hpp"

namespace berth::engine::logs {

struct LogEntry {
    bool stderr = false;
    std::string line;  // as written, "\n" included when the container wrote one
    int64_t timeNs = 0;
};

struct LogReadOptions {
    int64_t sinceNs = 0;  // 0: from the start
    int64_t untilNs = 0;  // 0: no end
    int64_t tail = -1;    // -1: all
};

class LogFollower;

// The entries the options select; `follower` (optional) is set up to continue after them.
std::vector<LogEntry> readLogs(const std::string& path, const LogReadOptions& opts,
                               LogFollower* follower = nullptr);

class LogFollower {
  public:
    // Entries written since the last call.
    std::vector<LogEntry> poll();

  private:
    friend std::vector<LogEntry> readLogs(const std::string&, const LogReadOptions&, LogFollower*);
    void readAvailable(std::vector<LogEntry>& out);
    void parseChunk(std::vector<LogEntry>& out);

    std::string path_;
    UniqueFd fd_;
    ino_t inode_ = 0;
    off_t offset_ = 0;
    std::string buf_;  // bytes read that do not end a line yet
};

// Parses one json-file line; false if it is not one.
bool parseLogLine(const std::string& text, LogEntry& out);

}  // namespace berth::engine::logs
