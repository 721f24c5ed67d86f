// What crashes leave in <root>/volumes (VolumeStore's crash-safety notes say how each arises),
// for `berth system check`:
//   * a directory without opts.json: a create killed before its last step. Its _data empty or
//     missing → the directory goes; with data in it (opts.json lost otherwise) → a default
//     opts.json (local driver, no labels or options) so the data stays reachable
//   * an unreadable opts.json → replaced the same way
//   * opts.json without _data → an empty _data again
//   * copy-up.pending: a copy of the image's content into the volume was interrupted → _data
//     is emptied, so the next container that mounts it copies up again (all, not half)
//   * opts.json.tmp-PID files of a killed write, .trash-* of a killed `volume rm`
// The caller holds VolumeStore::lock(): no create or remove runs meanwhile.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace berth::engine {
class VolumeStore;
}

namespace berth::engine::check {

struct VolumeLeftover {
    std::string done;     // "Removed half-created volume x (its create was interrupted)"
    std::string planned;  // "Would remove half-created volume x (...)"
    std::function<void()> repair;
};

std::vector<VolumeLeftover> findVolumeLeftovers(const VolumeStore& volumes);

}  // namespace berth::engine::check
