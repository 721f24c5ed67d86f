#include "engine/logs/log_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "engine/container/container_record.hpp"

namespace berth::engine::logs {

namespace {

// Docker's json-file reader hands entries on as written: a partial one (no "\n") is printed
// as is, the rest of the line follows in the next entry (one timestamp each with -t).
struct Joiner {
    void add(LogEntry e, std::vector<LogEntry>& out) { out.push_back(std::move(e)); }
};

bool selected(const LogEntry& e, const LogReadOptions& o) {
    if (o.sinceNs > 0 && e.timeNs < o.sinceNs) return false;
    if (o.untilNs > 0 && e.timeNs > o.untilNs) return false;
    return true;
}

}  // namespace

bool parseLogLine(const std::string& text, LogEntry& out) {
    try {
        auto j = nlohmann::json::parse(text);
        out.line = j.value("log", "");
        out.stderr = j.value("stream", "stdout") == "stderr";
        out.timeNs = parseRfc3339Nano(j.value("time", ""));
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

std::vector<LogEntry> readLogs(const std::string& path, const LogReadOptions& opts,
                               LogFollower* follower) {
    std::vector<std::string> files;
    for (int i = 1;; ++i) {  // FILE.1, FILE.2 ... while they exist (newest rotated first)
        std::string p = path + "." + std::to_string(i);
        if (::access(p.c_str(), F_OK) != 0) break;
        files.push_back(p);
    }
    std::reverse(files.begin(), files.end());
    Joiner joiner;
    std::vector<LogEntry> all;
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::string line;
        while (std::getline(in, line)) {
            LogEntry e;
            if (parseLogLine(line, e)) joiner.add(std::move(e), all);
        }
    }
    // The current file through an fd that a follower keeps (so a rotation meanwhile loses nothing).
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    std::string data;
    if (fd) {
        char chunk[65536];
        for (;;) {
            ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            data.append(chunk, size_t(n));
        }
    }
    size_t end = data.rfind('\n');
    size_t used = end == std::string::npos ? 0 : end + 1;
    size_t pos = 0;
    while (pos < used) {
        size_t nl = data.find('\n', pos);
        LogEntry e;
        if (parseLogLine(data.substr(pos, nl - pos), e)) joiner.add(std::move(e), all);
        pos = nl + 1;
    }
    if (follower) {
        follower->path_ = path;
        struct stat st {};
        if (fd && ::fstat(fd.get(), &st) == 0) follower->inode_ = st.st_ino;
        follower->offset_ = off_t(data.size());
        follower->buf_ = data.substr(used);
        follower->fd_ = std::move(fd);
    }
    // tail over the joined lines, then the time window (as moby's tailing reader does).
    size_t start = 0;
    if (opts.tail >= 0 && size_t(opts.tail) < all.size()) start = all.size() - size_t(opts.tail);
    std::vector<LogEntry> out;
    for (size_t i = start; i < all.size(); ++i)
        if (selected(all[i], opts)) out.push_back(std::move(all[i]));
    return out;
}

void LogFollower::parseChunk(std::vector<LogEntry>& out) {
    size_t pos = 0;
    for (;;) {
        size_t nl = buf_.find('\n', pos);
        if (nl == std::string::npos) break;
        LogEntry e;
        if (parseLogLine(buf_.substr(pos, nl - pos), e)) out.push_back(std::move(e));
        pos = nl + 1;
    }
    buf_.erase(0, pos);
}

void LogFollower::readAvailable(std::vector<LogEntry>& out) {
    if (!fd_) return;
    struct stat st {};
    if (::fstat(fd_.get(), &st) == 0 && st.st_size < offset_) {  // truncated (max-file 1)
        ::lseek(fd_.get(), 0, SEEK_SET);
        offset_ = 0;
        buf_.clear();
    }
    char chunk[65536];
    for (;;) {
        ssize_t n = ::read(fd_.get(), chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        offset_ += n;
        buf_.append(chunk, size_t(n));
        parseChunk(out);
    }
}

std::vector<LogEntry> LogFollower::poll() {
    std::vector<LogEntry> out;
    readAvailable(out);
    // Rotated: FILE is a new file now. The old one was read to its end just above.
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0 && (!fd_ || st.st_ino != inode_)) {
        fd_.reset(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
        inode_ = st.st_ino;
        offset_ = 0;
        buf_.clear();
        readAvailable(out);
    }
    return out;
}

}  // namespace berth::engine::logs
