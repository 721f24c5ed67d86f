// What a container changed in its rootfs, from its overlay upper dir (for `diff`, `commit`):
// the same A/C/D kinds `docker diff` prints.
#pragma once

#include <string>
#include <vector>

namespace berth::store {

enum class ChangeKind { Added, Changed, Deleted };

struct Change {
    ChangeKind kind;
    std::string path;  // absolute inside the rootfs: "/etc/hosts"
    friend bool operator==(const Change&, const Change&) = default;
};

char changeLetter(ChangeKind k);  // 'A', 'C', 'D'

// Walks upperDir: a whiteout (char 0:0) is D; an entry that some lower layer (topmost first)
// shows at the same path is C, else A. Children of an opaque upper dir are A (the lowers are
// hidden there) and the lower entries it hides are D. Sorted by path.
std::vector<Change> overlayDiff(const std::vector<std::string>& lowerDirsTopFirst,
                                const std::string& upperDir);

}  // namespace berth::store
