#include "support/failures.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <vector>

#include "common/error.hpp"

namespace berth::test {

int failedChildren(int count, const std::function<void(int index)>& body) {
    std::vector<pid_t> kids;
    for (int i = 0; i < count; ++i) {
        pid_t pid = fork();
        if (pid < 0) throw SysError("fork");
        if (pid == 0) {
            int rc = 0;
            try {
                body(i);
            } catch (const std::exception& e) {
                fprintf(stderr, "child %d: %s\n", i, e.what());
                rc = 1;
            } catch (...) {
                rc = 1;
            }
            _exit(rc);
        }
        kids.push_back(pid);
    }
    int failed = 0;
    for (pid_t kid : kids) {
        int status = 0;
        if (waitpid(kid, &status, 0) != kid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            ++failed;
    }
    return failed;
}

std::string errorOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace berth::test
