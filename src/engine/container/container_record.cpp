#include "engine/container/container_record.hpp"

#include <time.h>

#include <cstdio>

namespace berth::engine {

using nlohmann::json;

json ContainerRecord::toJson() const {
    return {
        {"Id", id},
        {"Name", name},
        {"Created", created},
        {"CreatedNs", createdNs},
        {"ImageId", imageId},
        {"ImageRef", imageRef},
        {"Path", path},
        {"Args", args},
        {"LayerDirs", layerDirs},
        {"Runtime", runtime},
        {"RuntimeName", runtimeName},
        {"Started", started},
        {"AutoRemove", autoRemove},
        {"StopTimeout", stopTimeout},
        {"StopSignal", stopSignal},
        {"RestartPolicy", restartPolicy},
        {"Config", config},
        {"HostConfig", hostConfig},
        {"Mounts", mounts},
    };
}

ContainerRecord ContainerRecord::fromJson(const json& j) {
    ContainerRecord r;
    r.id = j.at("Id").get<std::string>();
    r.name = j.value("Name", "");
    r.created = j.value("Created", "");
    r.createdNs = j.value("CreatedNs", int64_t(0));
    r.imageId = j.value("ImageId", "");
    r.imageRef = j.value("ImageRef", "");
    r.path = j.value("Path", "");
    r.args = j.value("Args", std::vector<std::string>{});
    r.layerDirs = j.value("LayerDirs", std::vector<std::string>{});
    r.runtime = j.value("Runtime", "");
    r.runtimeName = j.value("RuntimeName", "");
    r.started = j.value("Started", false);
    r.autoRemove = j.value("AutoRemove", false);
    r.stopTimeout = j.value("StopTimeout", 10);
    r.stopSignal = j.value("StopSignal", "SIGTERM");
    r.restartPolicy = j.value("RestartPolicy", "no");
    r.config = j.value("Config", json::object());
    r.hostConfig = j.value("HostConfig", json::object());
    r.mounts = j.value("Mounts", json::array());
    return r;
}

std::string rfc3339NanoNow(int64_t* nsOut) {
    struct timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    if (nsOut) *nsOut = int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    struct tm tm {};
    gmtime_r(&ts.tv_sec, &tm);
    char buf[64];
    snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, long(ts.tv_nsec));
    return buf;
}

int64_t parseRfc3339Nano(const std::string& text) {
    struct tm tm {};
    int year, mon, day, hh, mm, ss;
    if (sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &year, &mon, &day, &hh, &mm, &ss) != 6) return 0;
    if (year <= 1) return 0;
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    int64_t ns = int64_t(timegm(&tm)) * 1'000'000'000;
    auto dot = text.find('.');
    if (dot != std::string::npos) {
        int64_t frac = 0;
        int digits = 0;
        for (size_t i = dot + 1; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
            if (digits < 9) {
                frac = frac * 10 + (text[i] - '0');
                ++digits;
            }
        }
        while (digits++ < 9) frac *= 10;
        ns += frac;
    }
    return ns;
}

}  // namespace berth::engine
