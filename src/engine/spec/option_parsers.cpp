#include "engine/spec/option_parsers.hpp"

#include <sys/resource.h>

#include <cstdlib>
#include <sstream>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/strings.hpp"

namespace berth::engine {

namespace {

int64_t parseInt(const std::string& s, const std::string& what) {
    if (s.empty()) throw Error(what);
    size_t pos = 0;
    int64_t v = 0;
    try {
        v = std::stoll(s, &pos, 10);
    } catch (...) {
        throw Error(what);
    }
    if (pos != s.size()) throw Error(what);
    return v;
}

bool isPropagation(const std::string& s) {
    return s == "private" || s == "rprivate" || s == "shared" || s == "rshared" || s == "slave" ||
           s == "rslave";
}

}  // namespace

MountSpec parseVolumeFlag(const std::string& text) {
    auto parts = split(text, ':');
    MountSpec m;
    m.origin = MountSpec::Origin::VolumeFlag;
    if (parts.size() == 1) {
        // -v /data: an anonymous volume
        m.type = MountSpec::Type::Volume;
        m.target = parts[0];
    } else if (parts.size() == 2 || parts.size() == 3) {
        m.source = parts[0];
        m.target = parts[1];
        if (m.source.empty()) throw Error("invalid spec: " + text + ": empty section between colons");
        if (parts.size() == 3) {
            m.mode = parts[2];
            for (auto& o : split(parts[2], ',')) {
                if (o == "ro") m.readOnly = true;
                else if (o == "rw") m.readOnly = false;
                else if (isPropagation(o)) m.propagation = o;
                else if (o == "nocopy") m.noCopy = true;
                else if (o == "z" || o == "Z" || o == "copy") {
                } else
                    throw Error("invalid mode: " + parts[2]);
            }
        }
        if (!m.source.empty() && m.source[0] == '/') {
            m.type = MountSpec::Type::Bind;
            m.createSource = true;  // docker -v creates a missing host directory
            if (m.noCopy) throw Error("invalid mode: " + parts[2]);
        } else {
            m.type = MountSpec::Type::Volume;
            if (!m.propagation.empty()) throw Error("invalid mode: " + parts[2]);
        }
    } else {
        throw Error("invalid volume specification: '" + text + "'");
    }
    if (m.target.empty() || m.target[0] != '/')
        throw Error("invalid volume specification: '" + text + "': invalid mount config for type \"" +
                    std::string(m.type == MountSpec::Type::Bind ? "bind" : "volume") +
                    "\": invalid mount path: '" + m.target + "' mount path must be absolute");
    if (m.target == "/")
        throw Error("invalid volume specification: '" + text + "': invalid mount config for type \"" +
                    std::string(m.type == MountSpec::Type::Bind ? "bind" : "volume") +
                    "\": invalid specification: destination can't be '/'");
    return m;
}

namespace {

bool boolValue(const std::string& text, const std::string& key, const std::string& val, bool present) {
    if (!present || val == "true" || val == "1") return true;
    if (val == "false" || val == "0") return false;
    throw Error("invalid argument \"" + text + "\" for \"--mount\" flag: invalid value for " + key +
                ": " + val);
}

// go-units RAMInBytes (what docker's --mount tmpfs-size takes).
int64_t ramInBytes(const std::string& v) {
    size_t i = 0;
    while (i < v.size() && (std::isdigit(static_cast<unsigned char>(v[i])) || v[i] == '.')) ++i;
    std::string num = v.substr(0, i), unit;
    for (char c : v.substr(i)) unit += char(std::tolower(static_cast<unsigned char>(c)));
    double n = -1;
    try {
        if (!num.empty()) n = std::stod(num);
    } catch (...) {
    }
    double mult = 0;
    if (unit.empty() || unit == "b") mult = 1;
    else if (unit == "k" || unit == "kb" || unit == "kib") mult = 1024.0;
    else if (unit == "m" || unit == "mb" || unit == "mib") mult = 1024.0 * 1024;
    else if (unit == "g" || unit == "gb" || unit == "gib") mult = 1024.0 * 1024 * 1024;
    else if (unit == "t" || unit == "tb" || unit == "tib") mult = 1024.0 * 1024 * 1024 * 1024;
    if (n < 0 || mult == 0) throw Error("invalid size: '" + v + "'");
    return int64_t(n * mult);
}

}  // namespace

MountSpec parseMountFlag(const std::string& text) {
    MountSpec m;
    m.origin = MountSpec::Origin::MountFlag;
    std::string type = "volume";
    bool bindOpts = false, volumeOpts = false, tmpfsOpts = false;
    auto bad = [&](const std::string& why) {
        return Error("invalid argument \"" + text + "\" for \"--mount\" flag: " + why);
    };
    for (auto& field : split(text, ',')) {
        auto eq = field.find('=');
        std::string key = trim(field.substr(0, eq));
        std::string val = eq == std::string::npos ? "" : field.substr(eq + 1);
        bool present = eq != std::string::npos;
        if (!present && key != "readonly" && key != "ro" && key != "volume-nocopy" &&
            key != "bind-nonrecursive")
            throw bad("invalid field '" + field + "' must be a key=value pair");
        if (key == "type") type = val;
        else if (key == "source" || key == "src") m.source = val;
        else if (key == "target" || key == "destination" || key == "dst") m.target = val;
        else if (key == "readonly" || key == "ro") m.readOnly = boolValue(text, key, val, present);
        else if (key == "bind-propagation") {
            if (!isPropagation(val)) throw bad("invalid value for bind-propagation: " + val);
            m.propagation = val;
            bindOpts = true;
        } else if (key == "bind-nonrecursive" || key == "bind-recursive" || key == "bind-create-mountpoint") {
            bindOpts = true;
        } else if (key == "tmpfs-size") {
            try {
                m.tmpfsSize = ramInBytes(val);
            } catch (const Error& e) {
                throw bad(e.what());
            }
            m.tmpfsOptions.push_back("size=" + std::to_string(m.tmpfsSize));
            tmpfsOpts = true;
        } else if (key == "tmpfs-mode") {
            char* end = nullptr;
            unsigned long mode = std::strtoul(val.c_str(), &end, 8);
            if (val.empty() || *end != '\0' || mode > 07777) throw bad("invalid value for tmpfs-mode: " + val);
            m.tmpfsMode = uint32_t(mode);
            std::ostringstream os;
            os << std::oct << mode;
            m.tmpfsOptions.push_back("mode=" + os.str());
            tmpfsOpts = true;
        } else if (key == "volume-nocopy") {
            m.noCopy = boolValue(text, key, val, present);
            volumeOpts = true;
        } else if (key == "volume-label" || key == "volume-opt") {
            auto e = val.find('=');
            auto& map = key == "volume-label" ? m.volumeLabels : m.volumeOptions;
            map[val.substr(0, e)] = e == std::string::npos ? "" : val.substr(e + 1);
            volumeOpts = true;
        } else if (key == "volume-driver") {
            m.volumeDriver = val;
            volumeOpts = true;
        } else if (key == "consistency") {
        } else
            throw bad("unexpected key '" + key + "' in '" + field + "'");
    }
    if (type == "bind") m.type = MountSpec::Type::Bind;
    else if (type == "tmpfs") m.type = MountSpec::Type::Tmpfs;
    else if (type == "volume") m.type = MountSpec::Type::Volume;
    else
        throw bad("invalid type: " + type);
    if (bindOpts && type != "bind") throw bad("cannot mix 'bind-*' options with mount type '" + type + "'");
    if (volumeOpts && type != "volume") throw bad("cannot mix 'volume-*' options with mount type '" + type + "'");
    if (tmpfsOpts && type != "tmpfs") throw bad("cannot mix 'tmpfs-*' options with mount type '" + type + "'");
    if (m.target.empty()) throw Error("invalid mount config: target is required");  // moby's text
    if (m.type == MountSpec::Type::Bind && m.source.empty())
        throw Error("invalid mount config for type \"bind\": field Source must not be empty");
    if (m.type == MountSpec::Type::Tmpfs && !m.source.empty())
        throw Error("invalid mount config for type \"tmpfs\": field Source must not be specified");
    if (m.target[0] != '/')
        throw Error("invalid mount config for type \"" + type + "\": invalid mount path: '" + m.target +
                    "' mount path must be absolute");
    return m;
}

MountSpec parseTmpfsFlag(const std::string& text) {
    MountSpec m;
    m.type = MountSpec::Type::Tmpfs;
    m.origin = MountSpec::Origin::TmpfsFlag;
    auto colon = text.find(':');
    m.target = text.substr(0, colon);
    if (colon != std::string::npos)
        for (auto& o : split(text.substr(colon + 1), ','))
            if (!o.empty()) m.tmpfsOptions.push_back(o);
    if (m.target.empty() || m.target[0] != '/')
        throw Error("invalid mount config for type \"tmpfs\": invalid mount path: '" + m.target +
                    "' mount path must be absolute");
    return m;
}

int rlimitResource(const std::string& name) {
    static const std::pair<const char*, int> table[] = {
        {"core", RLIMIT_CORE},       {"cpu", RLIMIT_CPU},         {"data", RLIMIT_DATA},
        {"fsize", RLIMIT_FSIZE},     {"locks", RLIMIT_LOCKS},     {"memlock", RLIMIT_MEMLOCK},
        {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},     {"nofile", RLIMIT_NOFILE},
        {"nproc", RLIMIT_NPROC},     {"rss", RLIMIT_RSS},         {"rtprio", RLIMIT_RTPRIO},
        {"rttime", RLIMIT_RTTIME},   {"sigpending", RLIMIT_SIGPENDING}, {"stack", RLIMIT_STACK},
        {"as", RLIMIT_AS},
    };
    for (auto& [n, r] : table)
        if (name == n) return r;
    return -1;
}

// go-units ParseUlimit: "name=soft[:hard]".
Ulimit parseUlimit(const std::string& text) {
    auto eq = text.find('=');
    if (eq == std::string::npos) throw Error("invalid ulimit argument: " + text);
    Ulimit u;
    u.name = text.substr(0, eq);
    if (rlimitResource(u.name) < 0) throw Error("invalid ulimit type: " + u.name);
    auto vals = split(text.substr(eq + 1), ':');
    if (vals.size() > 2) throw Error("too many limit value arguments - " + text.substr(eq + 1) + ", can only have up to two, `soft[:hard]`");
    // Go's strconv text, as docker prints it.
    auto number = [](const std::string& v) {
        return parseInt(v, "strconv.ParseInt: parsing \"" + v + "\": invalid syntax");
    };
    u.soft = number(vals[0]);
    u.hard = u.soft;
    if (vals.size() == 2) u.hard = number(vals[1]);
    if (u.soft > u.hard)
        throw Error("ulimit soft limit must be less than or equal to hard limit: " +
                    std::to_string(u.soft) + " > " + std::to_string(u.hard));
    return u;
}

DeviceSpec parseDevice(const std::string& text) {
    auto parts = split(text, ':');
    DeviceSpec d;
    auto validPerms = [](const std::string& p) {
        if (p.empty() || p.size() > 3) return false;
        for (char c : p)
            if (c != 'r' && c != 'w' && c != 'm') return false;
        return true;
    };
    d.hostPath = parts[0];
    if (parts.size() == 2) {
        if (validPerms(parts[1])) d.permissions = parts[1];
        else d.containerPath = parts[1];
    } else if (parts.size() == 3) {
        d.containerPath = parts[1];
        if (!validPerms(parts[2])) throw Error("bad mode specified: " + parts[2]);
        d.permissions = parts[2];
    } else if (parts.size() > 3) {
        throw Error("invalid device specification: " + text);
    }
    if (d.containerPath.empty()) d.containerPath = d.hostPath;
    if (d.hostPath.empty() || d.hostPath[0] != '/' || d.containerPath[0] != '/')
        throw Error("invalid device specification: " + text);
    return d;
}

std::string expandEnvEntry(const std::string& entry) {
    if (entry.find('=') != std::string::npos) return entry;
    const char* v = std::getenv(entry.c_str());
    return v ? entry + "=" + v : "";
}

void setEnv(std::vector<std::string>& env, const std::string& entry) {
    auto key = entry.substr(0, entry.find('='));
    for (auto& e : env)
        if (e.substr(0, e.find('=')) == key) {
            e = entry;
            return;
        }
    env.push_back(entry);
}

bool hasEnv(const std::vector<std::string>& env, const std::string& key) {
    for (auto& e : env)
        if (e.substr(0, e.find('=')) == key) return true;
    return false;
}

std::vector<std::string> readEnvFile(const std::string& path) {
    std::string text;
    try {
        text = readFile(path);
    } catch (Error& e) {
        throw Error("open " + path + ": no such file or directory", e.errnum());
    }
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        auto eq = line.find('=');
        std::string key = eq == std::string::npos ? t : trim(line.substr(0, eq));
        if (key.empty()) throw Error("invalid environment variable: " + line);
        if (key.find_first_of(" \t") != std::string::npos)
            throw Error("variable '" + key + "' contains whitespaces");
        std::string entry = eq == std::string::npos ? key : key + line.substr(eq);
        entry = expandEnvEntry(entry);
        if (!entry.empty()) out.push_back(entry);
    }
    return out;
}

}  // namespace berth::engine
