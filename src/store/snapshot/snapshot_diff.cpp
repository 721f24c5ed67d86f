#include "store/snapshot/snapshot_diff.hpp"

#include <sys/stat.h>
#include <sys/xattr.h>

#include <algorithm>
#include <set>

#include "common/dir_entries.hpp"
#include "common/error.hpp"

namespace berth::store {

namespace {

bool isWhiteout(const struct stat& st) {
    return S_ISCHR(st.st_mode) && st.st_rdev == 0;
}

bool isOpaqueDir(const std::string& path) {
    char v[2];
    for (const char* key : {"trusted.overlay.opaque", "user.overlay.opaque"})
        if (::lgetxattr(path.c_str(), key, v, sizeof v) == 1 && v[0] == 'y') return true;
    return false;
}

std::set<std::string> names(const std::string& dir) {
    auto list = dirEntries(dir);
    return {list.begin(), list.end()};
}

// Whether the merged view of the lowers alone shows rel (the topmost lower deciding).
bool inLowers(const std::vector<std::string>& lowers, const std::string& rel) {
    for (const auto& l : lowers) {
        struct stat st {};
        if (::lstat((l + rel).c_str(), &st) == 0) return !isWhiteout(st);
    }
    return false;
}

void walk(const std::vector<std::string>& lowers, const std::string& upper, const std::string& rel,
          bool hiddenLowers, std::vector<Change>& out) {
    std::set<std::string> upperNames = names(upper + rel);
    for (const auto& n : upperNames) {
        std::string p = rel + "/" + n;
        struct stat st {};
        if (::lstat((upper + p).c_str(), &st) < 0) throw SysError("stat " + upper + p);
        if (isWhiteout(st)) {
            if (!hiddenLowers && inLowers(lowers, p)) out.push_back({ChangeKind::Deleted, p});
            continue;
        }
        bool existed = !hiddenLowers && inLowers(lowers, p);
        out.push_back({existed ? ChangeKind::Changed : ChangeKind::Added, p});
        if (S_ISDIR(st.st_mode)) {
            bool opaque = isOpaqueDir(upper + p);
            if (opaque && existed) {
                std::set<std::string> hereNames = names(upper + p), lowerNames;
                for (const auto& l : lowers) {
                    auto ns = names(l + p);
                    lowerNames.insert(ns.begin(), ns.end());
                }
                for (const auto& ln : lowerNames)
                    if (!hereNames.count(ln) && inLowers(lowers, p + "/" + ln))
                        out.push_back({ChangeKind::Deleted, p + "/" + ln});
            }
            walk(lowers, upper, p, hiddenLowers || opaque || !existed, out);
        }
    }
}

}  // namespace

char changeLetter(ChangeKind k) {
    switch (k) {
        case ChangeKind::Added:
            return 'A';
        case ChangeKind::Changed:
            return 'C';
        case ChangeKind::Deleted:
            return 'D';
    }
    return '?';
}

std::vector<Change> overlayDiff(const std::vector<std::string>& lowerDirsTopFirst,
                                const std::string& upperDir) {
    std::vector<Change> out;
    walk(lowerDirsTopFirst, upperDir, "", false, out);
    std::sort(out.begin(), out.end(),
              [](const Change& a, const Change& b) { return a.path < b.path; });
    return out;
}

}  // namespace berth::store
