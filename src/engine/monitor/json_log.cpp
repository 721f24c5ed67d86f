#include "engine/monitor/json_log.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/error.hpp"

namespace berth::monitor {

int64_t nowUnixNs() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

static std::string formatTime(int64_t unixNs, bool trim) {
    time_t sec = static_cast<time_t>(unixNs / 1'000'000'000);
    long nsec = static_cast<long>(unixNs % 1'000'000'000);
    tm t;
    gmtime_r(&sec, &t);
    char buf[64];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
    if (!trim || nsec != 0) {
        char frac[16];
        snprintf(frac, sizeof frac, ".%09ld", nsec);
        size_t len = 10;
        if (trim)
            while (len > 1 && frac[len - 1] == '0') --len;
        memcpy(buf + n, frac, len);
        n += len;
    }
    buf[n++] = 'Z';
    return std::string(buf, n);
}

std::string rfc3339NanoTrimmed(int64_t unixNs) {
    return formatTime(unixNs, true);
}
std::string rfc3339Nano(int64_t unixNs) {
    return formatTime(unixNs, false);
}

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
static size_t utf8Length(std::string_view s, size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0)
        len = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
        len = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (i + len > s.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
        auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates, beyond U+10FFFF.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return len;
}

void appendJsonEscaped(std::string& out, std::string_view s) {
    static const char kHex[] = "0123456789abcdef";
    for (size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            size_t len = utf8Length(s, i);
            if (len == 0) {
                out += "\\ufffd";
                ++i;
            } else if (len == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                       (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
                out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
                i += 3;
            } else {
                out.append(s.data() + i, len);
                i += len;
            }
            continue;
        }
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '<':
            case '>':
            case '&':
            default:
                if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 0xF];
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
}

JsonLogWriter::JsonLogWriter(std::string path, int64_t maxSize, int maxFiles)
    : path_(std::move(path)), maxSize_(maxSize), maxFiles_(maxFiles < 1 ? 1 : maxFiles) {
    open();
}

void JsonLogWriter::open() {
    fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
    if (!fd_) throw SysError("open log file " + path_);
    struct stat st;
    size_ = fstat(fd_.get(), &st) == 0 ? st.st_size : 0;
}

void JsonLogWriter::rotate() {
    if (maxFiles_ == 1) {
        if (ftruncate(fd_.get(), 0) == 0) size_ = 0;
        return;
    }
    // FILE.(N-2) → FILE.(N-1), ..., FILE → FILE.1 (the oldest falls off the end).
    for (int i = maxFiles_ - 1; i > 1; --i) {
        std::string from = path_ + "." + std::to_string(i - 1);
        std::string to = path_ + "." + std::to_string(i);
        ::rename(from.c_str(), to.c_str());  // a missing FILE.k is normal early on
    }
    ::rename(path_.c_str(), (path_ + ".1").c_str());
    open();
}

void JsonLogWriter::writeEntry(Stream stream, std::string_view line, bool newline) {
    if (maxSize_ > 0 && size_ >= maxSize_) rotate();
    entry_.clear();
    entry_ += "{\"log\":\"";
    appendJsonEscaped(entry_, line);
    if (newline) entry_ += "\\n";
    entry_ += stream == Stream::Stdout ? "\",\"stream\":\"stdout\",\"time\":\""
                                       : "\",\"stream\":\"stderr\",\"time\":\"";
    entry_ += rfc3339NanoTrimmed(nowUnixNs());
    entry_ += "\"}\n";
    const char* p = entry_.data();
    size_t left = entry_.size();
    while (left > 0) {
        ssize_t n = ::write(fd_.get(), p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;  // disk full etc.: the entry is lost, the container is not held up
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    size_ += static_cast<int64_t>(entry_.size());
    if (entry_.capacity() > 4 * kMaxLine) entry_.shrink_to_fit();
}

void JsonLogWriter::write(Stream stream, std::string_view data) {
    std::string& held = partial_[static_cast<int>(stream)];
    while (!data.empty()) {
        size_t nl = data.find('\n');
        if (nl == std::string_view::npos) {
            held.append(data);
            while (held.size() >= kMaxLine) {
                writeEntry(stream, std::string_view(held).substr(0, kMaxLine), false);
                held.erase(0, kMaxLine);
            }
            return;
        }
        if (held.empty()) {
            // Common case: the whole line is in this chunk.
            auto line = data.substr(0, nl);
            while (line.size() > kMaxLine) {
                writeEntry(stream, line.substr(0, kMaxLine), false);
                line.remove_prefix(kMaxLine);
            }
            writeEntry(stream, line, true);
        } else {
            held.append(data.substr(0, nl));
            std::string_view line(held);
            while (line.size() > kMaxLine) {
                writeEntry(stream, line.substr(0, kMaxLine), false);
                line.remove_prefix(kMaxLine);
            }
            writeEntry(stream, line, true);
            held.clear();
        }
        data.remove_prefix(nl + 1);
    }
    if (held.capacity() > kMaxLine * 2 && held.empty()) std::string().swap(held);
}

void JsonLogWriter::flush(Stream stream) {
    std::string& held = partial_[static_cast<int>(stream)];
    if (held.empty()) return;
    writeEntry(stream, held, false);
    held.clear();
}

}  // namespace berth::monitor
