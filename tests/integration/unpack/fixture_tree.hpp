// The /data tree of the multilayer fixture as Docker shows it (multilayer.expected-tree.tsv),
// and a listing of an unpacked tree in the same form, for comparing the two.
#pragma once

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "support/test_support.hpp"

namespace berth::test {

struct Row {
    std::string type, mode, owner, size, link, mtime;
};

inline std::map<std::string, Row> expectedTree() {
    std::ifstream in(fixturePath("images/multilayer.expected-tree.tsv"));
    std::map<std::string, Row> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> f;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, '\t')) f.push_back(cell);
        f.resize(7);
        rows[f[0]] = {f[1], f[2], f[3], f[4], f[5], f[6]};
    }
    return rows;
}

inline void listTree(const std::string& root, const std::string& rel, std::map<std::string, Row>& out,
              const std::map<std::string, Row>& want) {
    struct stat st {};
    if (::lstat((root + rel).c_str(), &st) < 0) throw SysError("lstat " + root + rel);
    Row r;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    r.mode = mode;
    r.owner = std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid);
    r.size = "0";
    if (S_ISDIR(st.st_mode))
        r.type = "d";
    else if (S_ISREG(st.st_mode))
        r.type = "f", r.size = std::to_string(st.st_size);
    else if (S_ISFIFO(st.st_mode))
        r.type = "p";
    else if (S_ISCHR(st.st_mode))
        r.type = st.st_rdev == 0 ? "whiteout!" : "c";
    else if (S_ISLNK(st.st_mode)) {
        r.type = "l";
        char t[4096];
        ssize_t n = ::readlink((root + rel).c_str(), t, sizeof t);
        r.link.assign(t, n > 0 ? static_cast<size_t>(n) : 0);
    }
    auto w = want.find(rel);
    if (w != want.end() && !w->second.mtime.empty()) r.mtime = std::to_string(st.st_mtim.tv_sec);
    out[rel] = r;
    if (S_ISDIR(st.st_mode)) {
        auto ls = runCommand({"ls", "-A", root + rel});
        std::stringstream ss(ls.out);
        std::string n;
        while (std::getline(ss, n))
            if (!n.empty()) listTree(root, rel + "/" + n, out, want);
    }
}

inline std::string show(const std::map<std::string, Row>& t) {
    std::string s;
    for (const auto& [p, r] : t)
        s += p + "\t" + r.type + "\t" + r.mode + "\t" + r.owner + "\t" + r.size + "\t" + r.link +
             "\t" + r.mtime + "\n";
    return s;
}

}  // namespace berth::test
