#include "store/image/tar_writer.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "common/error.hpp"

namespace berth::store {

namespace {

void octal(char* field, size_t len, uint64_t v) {
    // len-1 octal digits, zero padded, then NUL (written by hand: no truncation games).
    field[len - 1] = '\0';
    for (size_t i = len - 1; i-- > 0; v >>= 3) field[i] = static_cast<char>('0' + (v & 7));
}

std::string paxRecord(const std::string& key, const std::string& value) {
    std::string body = " " + key + "=" + value + "\n";
    size_t len = body.size() + 1;
    while (std::to_string(len).size() + body.size() != len) ++len;
    return std::to_string(len) + body;
}

}  // namespace

void TarWriter::write(const void* data, size_t len) {
    const char* p = static_cast<const char*>(data);
    while (len > 0) {
        ssize_t n = ::write(fd_, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw SysError("write archive");
        p += n;
        len -= static_cast<size_t>(n);
    }
}

void TarWriter::pad(uint64_t size) {
    static const char zeros[512] = {};
    if (size % 512) write(zeros, 512 - size % 512);
}

void TarWriter::header(const std::string& name, char type, uint64_t size, unsigned mode) {
    std::string pax;
    if (name.size() > 100) pax += paxRecord("path", name);
    if (size >= 077777777777ull) pax += paxRecord("size", std::to_string(size));
    if (!pax.empty()) {
        header("PaxHeaders/" + name.substr(0, 80), 'x', pax.size(), 0644);
        write(pax.data(), pax.size());
        pad(pax.size());
    }
    char h[512] = {};
    std::memcpy(h, name.data(), std::min<size_t>(name.size(), 100));
    octal(h + 100, 8, mode);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    octal(h + 124, 12, size >= 077777777777ull ? 0 : size);
    octal(h + 136, 12, 0);
    h[156] = type;
    std::memcpy(h + 257, "ustar", 6);
    std::memcpy(h + 263, "00", 2);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    octal(h + 148, 7, sum);  // 6 digits, NUL, and the space already there
    write(h, 512);
}

void TarWriter::dir(const std::string& name) { header(name.back() == '/' ? name : name + "/", '5', 0, 0755); }

void TarWriter::file(const std::string& name, std::string_view data) {
    header(name, '0', data.size(), 0644);
    write(data.data(), data.size());
    pad(data.size());
}

void TarWriter::file(const std::string& name, uint64_t size, const ReadFn& read) {
    header(name, '0', size, 0644);
    std::vector<char> buf(1 << 20);
    uint64_t left = size;
    while (left > 0) {
        size_t n = read(buf.data(), static_cast<size_t>(std::min<uint64_t>(left, buf.size())));
        if (n == 0) throw Error("archive member " + name + ": source ended " + std::to_string(left) + " bytes early", EIO);
        write(buf.data(), n);
        left -= n;
    }
    pad(size);
}

void TarWriter::finish() {
    static const char zeros[1024] = {};
    write(zeros, sizeof zeros);
}

}  // namespace berth::store
