#include "common/signals.hpp"

#include <csignal>
#include <cstdlib>
#include <utility>

#include "common/error.hpp"

namespace berth {

int parseSignal(const std::string& s) {
    static const std::pair<const char*, int> names[] = {
        {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},     {"ILL", SIGILL},
        {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"IOT", SIGIOT},       {"BUS", SIGBUS},
        {"FPE", SIGFPE},       {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
        {"USR2", SIGUSR2},     {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM},
        {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
        {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
        {"XCPU", SIGXCPU},     {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
        {"WINCH", SIGWINCH},   {"IO", SIGIO},     {"POLL", SIGPOLL},     {"PWR", SIGPWR},
        {"SYS", SIGSYS}};
    if (!s.empty() && s[0] >= '0' && s[0] <= '9') {
        char* end = nullptr;
        long n = std::strtol(s.c_str(), &end, 10);
        if (*end == 0 && n > 0 && n <= SIGRTMAX) return int(n);
        throw Error("invalid signal \"" + s + "\"");
    }
    std::string name = s;
    for (auto& c : name)
        if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    if (name.rfind("SIG", 0) == 0) name = name.substr(3);
    for (auto& [n, v] : names)
        if (name == n) return v;
    if (name.rfind("RTMIN", 0) == 0 || name.rfind("RTMAX", 0) == 0) {
        int base = name[3] == 'I' ? SIGRTMIN : SIGRTMAX;
        std::string off = name.substr(5);
        int n = off.empty() ? 0 : std::atoi(off.c_str());
        int sig = base + n;
        if (sig >= SIGRTMIN && sig <= SIGRTMAX) return sig;
    }
    throw Error("unknown signal \"" + s + "\"");
}

}  // namespace berth
