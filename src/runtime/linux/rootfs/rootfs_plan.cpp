#include "runtime/linux/rootfs/rootfs_plan.hpp"

#include <cstdio>

namespace berth::runtime::rootfs {

std::string describeStep(const Step& s) {
    char buf[64];
    std::string out;
    switch (s.kind) {
        case StepKind::Mount:
            std::snprintf(buf, sizeof buf, "%#lx", s.flags);
            out = (s.source.empty() ? "none" : s.source) + " on " + s.target +
                  (s.fstype.empty() ? "" : " type " + s.fstype) + " flags " + buf +
                  (s.data.empty() ? "" : " data " + s.data);
            break;
        case StepKind::Remount:
        case StepKind::Propagation:
            std::snprintf(buf, sizeof buf, "%#lx", s.flags);
            out = s.target + " flags " + buf;
            break;
        case StepKind::SetAttr:
            std::snprintf(buf, sizeof buf, "set %#llx clr %#llx",
                          static_cast<unsigned long long>(s.attrSet),
                          static_cast<unsigned long long>(s.attrClr));
            out = s.target + " " + buf;
            break;
        case StepKind::MakeParentMountPrivate:
            out = "parent mount of " + s.target;
            break;
        case StepKind::Mkdir:
            out = "mkdir " + s.target;
            break;
        case StepKind::Mknod:
            std::snprintf(buf, sizeof buf, " mode %#o dev %#lx", s.mode,
                          static_cast<unsigned long>(s.device));
            out = "mknod " + s.target + buf;
            break;
        case StepKind::Symlink:
            out = "symlink " + s.target + " -> " + s.linkTarget;
            break;
    }
    return out;
}

}  // namespace berth::runtime::rootfs
