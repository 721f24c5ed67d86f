// The container's capability set from Docker's defaults and --cap-add/--cap-drop/--privileged,
// with moby's rules (oci/caps TweakCapabilities): names in any case, with or without "CAP_";
// "ALL" in --cap-add grants every capability the kernel knows (minus --cap-drop); "ALL" in
// --cap-drop starts from nothing (plus --cap-add).
#pragma once

#include <string>
#include <vector>

namespace berth::engine {

// Docker's default set (moby oci/caps/defaults.go), in its order.
const std::vector<std::string>& dockerDefaultCapabilities();

// Every capability this kernel supports (/proc/sys/kernel/cap_last_cap), "CAP_" names.
std::vector<std::string> hostCapabilities();

// "net_admin" → "CAP_NET_ADMIN"; "all" → "ALL". Throws Error `unknown capability: "CAP_FOO"`.
std::string normalizeCapability(const std::string& name);

// Throws Error("invalid CapAdd: unknown capability: \"CAP_FOO\"") (moby's text) on a bad name.
std::vector<std::string> tweakCapabilities(const std::vector<std::string>& add,
                                           const std::vector<std::string>& drop, bool privileged);

}  // namespace berth::engine
