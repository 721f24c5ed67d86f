#include "common/mountinfo.hpp"

#include <cstdlib>

#include "common/safe_path.hpp"
#include "common/strings.hpp"

namespace berth {
namespace {

bool isOctalDigit(char c) { return c >= '0' && c <= '7'; }

}  // namespace

bool MountInfoEntry::isShared() const {
    for (auto& f : split(optionalFields, ' '))
        if (startsWith(f, "shared:")) return true;
    return false;
}

std::string unescapeMountInfoField(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && isOctalDigit(s[i + 1]) &&
            isOctalDigit(s[i + 2]) && isOctalDigit(s[i + 3])) {
            out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
                                     (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<MountInfoEntry> parseMountInfo(std::string_view text) {
    std::vector<MountInfoEntry> out;
    for (auto& line : split(text, '\n')) {
        if (line.empty()) continue;
        auto fields = split(line, ' ');
        // id parent major:minor root mountpoint options [optional...] - fstype source superopts
        size_t sep = 0;
        for (size_t i = 6; i < fields.size(); ++i)
            if (fields[i] == "-") {
                sep = i;
                break;
            }
        if (sep == 0 || sep + 2 >= fields.size()) continue;
        MountInfoEntry e;
        e.id = std::atoi(fields[0].c_str());
        e.parentId = std::atoi(fields[1].c_str());
        e.root = unescapeMountInfoField(fields[3]);
        e.mountPoint = unescapeMountInfoField(fields[4]);
        e.options = fields[5];
        for (size_t i = 6; i < sep; ++i) {
            if (!e.optionalFields.empty()) e.optionalFields += ' ';
            e.optionalFields += fields[i];
        }
        e.fstype = fields[sep + 1];
        e.source = unescapeMountInfoField(fields[sep + 2]);
        if (sep + 3 < fields.size()) e.superOptions = fields[sep + 3];
        out.push_back(std::move(e));
    }
    return out;
}

const MountInfoEntry* findMountHolding(const std::vector<MountInfoEntry>& mounts,
                                       const std::string& path) {
    const MountInfoEntry* best = nullptr;
    // Later entries shadow earlier ones mounted on the same point: take the last longest match.
    for (auto& m : mounts)
        if (isPathWithin(path, m.mountPoint) &&
            (!best || m.mountPoint.size() >= best->mountPoint.size()))
            best = &m;
    return best;
}

}  // namespace berth
