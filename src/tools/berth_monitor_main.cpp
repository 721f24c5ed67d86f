// berth-monitor: see engine/monitor/options.hpp (flags) and engine/monitor/monitor.hpp.
#include "engine/monitor/monitor_main.hpp"

int main(int argc, char** argv) {
    return berth::monitor::monitorMain(argc, argv);
}
