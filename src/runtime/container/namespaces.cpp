#include "runtime/container/namespaces.hpp"

#include <fcntl.h>
#include <sched.h>

#include "common/error.hpp"
#include "common/file_io.hpp"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace berth::runtime {

int cloneFlagOf(oci::NamespaceType t) {
    switch (t) {
        case oci::NamespaceType::Pid: return CLONE_NEWPID;
        case oci::NamespaceType::Network: return CLONE_NEWNET;
        case oci::NamespaceType::Mount: return CLONE_NEWNS;
        case oci::NamespaceType::Ipc: return CLONE_NEWIPC;
        case oci::NamespaceType::Uts: return CLONE_NEWUTS;
        case oci::NamespaceType::User: return CLONE_NEWUSER;
        case oci::NamespaceType::Cgroup: return CLONE_NEWCGROUP;
        case oci::NamespaceType::Time: return CLONE_NEWTIME;
    }
    return 0;
}

void planNamespaces(const oci::Spec& spec, LaunchPlan& p) {
    if (!spec.linux) return;
    const auto& nss = spec.linux->namespaces;
    for (size_t i = 0; i < nss.size(); ++i) {
        const auto& ns = nss[i];
        int flag = cloneFlagOf(ns.type);
        if (!ns.path.empty()) {
            NamespaceJoin j;
            j.type = ns.type;
            j.nstype = flag;
            j.path = ns.path;
            j.field = "linux.namespaces[" + std::to_string(i) + "].path";
            p.joins.push_back(std::move(j));
            continue;
        }
        switch (ns.type) {
            case oci::NamespaceType::User: p.newUser = true; break;
            case oci::NamespaceType::Pid: p.newPid = true; break;
            case oci::NamespaceType::Mount: p.newMount = true; break;
            case oci::NamespaceType::Uts: p.newUts = true; break;
            case oci::NamespaceType::Network: p.newNet = true; break;
            case oci::NamespaceType::Cgroup: p.newCgroup = true; break;
            case oci::NamespaceType::Time: p.newTime = true; break;
            case oci::NamespaceType::Ipc: break;
        }
        // The cgroup namespace is unshared by the init once it is in its cgroup, so the
        // namespace's root is the container's cgroup (runc does the same).
        if (ns.type != oci::NamespaceType::Cgroup) p.newFlags |= flag;
    }
    // A time namespace applies to children of the process that unshares it, and its offsets
    // must be written before any process enters it: that needs the stage-1 child. Joined
    // namespaces must be entered before new ones are made, with the runtime's privileges.
    p.twoStage = !p.joins.empty() || p.newTime;
}

void openNamespaceJoins(LaunchPlan& p) {
    for (auto& j : p.joins) {
        j.fd = UniqueFd(::open(j.path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!j.fd) throw SysError(j.field + " " + j.path);
    }
}

void joinNamespaces(const std::vector<NamespaceJoin>& joins) {
    for (int pass = 0; pass < 2; ++pass)
        for (auto& j : joins) {
            bool user = j.type == oci::NamespaceType::User;
            if ((pass == 0) != user) continue;
            if (::setns(j.fd.get(), j.nstype) < 0)
                throw SysError(j.field + " " + j.path + ": join " +
                               oci::namespaceTypeName(j.type) + " namespace");
        }
}

std::string idMapText(const std::vector<oci::IdMapping>& maps) {
    std::string s;
    for (auto& m : maps)
        s += std::to_string(m.containerID) + " " + std::to_string(m.hostID) + " " +
             std::to_string(m.size) + "\n";
    return s;
}

void writeIdMappings(pid_t pid, const std::vector<oci::IdMapping>& uids,
                     const std::vector<oci::IdMapping>& gids) {
    std::string base = "/proc/" + std::to_string(pid);
    withContext("linux.uidMappings", [&] { writeFile(base + "/uid_map", idMapText(uids)); });
    withContext("linux.gidMappings", [&] { writeFile(base + "/gid_map", idMapText(gids)); });
}

void writeTimeOffsets(const std::map<std::string, oci::TimeOffset>& offsets) {
    std::string text;
    for (auto& [clock, o] : offsets)
        text += clock + " " + std::to_string(o.secs) + " " + std::to_string(o.nanosecs) + "\n";
    if (text.empty()) return;
    withContext("linux.timeOffsets", [&] { writeFile("/proc/self/timens_offsets", text); });
}

}  // namespace berth::runtime
