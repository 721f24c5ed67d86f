// berth-monitor's main: parse flags (options.hpp), detach, run the Monitor, report over --sync-fd.
#pragma once

namespace berth::monitor {

int monitorMain(int argc, char** argv);

}  // namespace berth::monitor
