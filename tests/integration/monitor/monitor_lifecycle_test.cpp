// berth-monitor: create/start through a real runtime, json-file logs, exit records, rotation,
// surviving its starter, detection of a killed monitor.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <map>
#include <regex>

#include "monitor_fixture.hpp"

namespace berth::monitor::test {
namespace {

TEST_F(MonitorTest, OutputLandsInJsonFileLogAndExitCodeIsRecorded) {
    configure({"sh", "-c", "echo hello; echo 'oops <&>' >&2; exit 3"});
    auto spawned = spawn();
    EXPECT_GT(spawned.containerPid, 0);
    EXPECT_GT(spawned.monitorPid, 0);
    auto record = waitFinalExit();
    ASSERT_TRUE(record.is_object()) << "no final exit.json";
    EXPECT_EQ(record["exitCode"], 3);
    EXPECT_EQ(record["restartCount"], 0);
    EXPECT_EQ(checkMonitor(stateDir_), MonitorHealth::Exited);
    EXPECT_EQ(state()["status"], "exited");

    auto entries = readLogEntries(logPath());
    ASSERT_EQ(entries.size(), 2u) << readFile(logPath());
    std::map<std::string, std::string> byStream;
    for (auto& e : entries) byStream[e["stream"]] = e["log"];
    EXPECT_EQ(byStream["stdout"], "hello\n");
    EXPECT_EQ(byStream["stderr"], "oops <&>\n");
    // Go's encoding: < > & escaped; RFC 3339 UTC time.
    EXPECT_NE(readFile(logPath()).find("oops \\u003c\\u0026\\u003e\\n"), std::string::npos);
    std::regex time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z)");
    for (auto& e : entries) EXPECT_TRUE(std::regex_match(e["time"].get<std::string>(), time));
    // The monitor cleaned up after itself: no control socket, container gone from the runtime.
    EXPECT_FALSE(pathExists(stateDir_ + "/monitor.sock"));
    auto st = runCommand({runtime_, "--root", dir_ / "runtime-root", "state", id_});
    EXPECT_NE(st.exitCode, 0);
}

TEST_F(MonitorTest, LastLineWithoutNewlineIsWrittenAsPartialEntry) {
    configure({"sh", "-c", "printf 'line\\nno newline'"});
    spawn();
    ASSERT_TRUE(waitFinalExit().is_object());
    EXPECT_EQ(logLines(logPath()), (std::vector<std::string>{"line\n", "no newline"}));
}

TEST_F(MonitorTest, CreateFailureIsReportedAndNothingIsLeft) {
    configure({"/does/not/exist"});
    try {
        spawn();
        FAIL() << "spawnMonitor should have failed";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("/does/not/exist"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(waitFor([&] { return checkMonitor(stateDir_) != MonitorHealth::Running; }));
    EXPECT_FALSE(pathExists(stateDir_ + "/monitor.sock"));
    auto st = runCommand({runtime_, "--root", dir_ / "runtime-root", "state", id_});
    EXPECT_NE(st.exitCode, 0) << "container left behind: " << st.out;
}

TEST_F(MonitorTest, BadFlagsAreReportedToTheSpawner) {
    auto o = options();
    o.bundle = dir_ / "no-such-bundle";
    EXPECT_THROW(spawn(o), Error);
}

TEST_F(MonitorTest, RotationKeepsMaxFilesOfMaxSize) {
    // 300 lines of ~90 bytes of JSON each: ~27 KB through 4 KB files, 3 kept.
    configure({"sh", "-c",
               "i=0; while [ $i -lt 300 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxx; "
               "i=$((i+1)); done"});
    auto o = options();
    o.logMaxSize = 4096;
    o.logMaxFiles = 3;
    spawn(o);
    ASSERT_TRUE(waitFinalExit().is_object());
    ASSERT_TRUE(pathExists(logPath()));
    ASSERT_TRUE(pathExists(logPath() + ".1"));
    ASSERT_TRUE(pathExists(logPath() + ".2"));
    EXPECT_FALSE(pathExists(logPath() + ".3"));
    // Oldest to newest: .2, .1, current; line numbers run on without a gap, ending with 299 (the
    // oldest lines rotated away).
    int last = -2;
    for (const auto& file : {logPath() + ".2", logPath() + ".1", logPath()}) {
        auto size = readFile(file).size();
        EXPECT_LT(size, 4096u + 200u) << file;
        for (const auto& line : logLines(file)) {
            int n = atoi(line.c_str() + 5);
            if (last != -2) {
                EXPECT_EQ(n, last + 1) << file << ": " << line;
            }
            last = n;
        }
    }
    EXPECT_EQ(last, 299);
    EXPECT_GT(readLogEntries(logPath() + ".2").size(), 10u);
}

TEST_F(MonitorTest, ContainerSurvivesSigkillOfTheProcessThatStartedIt) {
    configure({"sh", "-c", "while :; do echo tick; sleep 0.1; done"});
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    pid_t starter = fork();
    if (starter == 0) {
        // The "CLI": its own process group, spawns the monitor, then lingers until killed.
        setpgid(0, 0);
        close(ready[0]);
        try {
            auto s = spawn();
            (void)!write(ready[1], &s.containerPid, sizeof s.containerPid);
        } catch (...) {
            _exit(1);
        }
        pause();
        _exit(0);
    }
    close(ready[1]);
    pid_t containerPid = 0;
    ASSERT_EQ(read(ready[0], &containerPid, sizeof containerPid),
              static_cast<ssize_t>(sizeof containerPid));
    close(ready[0]);
    // Kill the whole group of the starter, as a terminal's ^C or a crash would.
    kill(-starter, SIGKILL);
    waitpid(starter, nullptr, 0);

    size_t before = readLogEntries(logPath()).size();
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    EXPECT_EQ(kill(containerPid, 0), 0) << "container died with its starter";
    EXPECT_EQ(checkMonitor(stateDir_), MonitorHealth::Running);
    EXPECT_GT(readLogEntries(logPath()).size(), before + 2) << "logs stopped";
    EXPECT_EQ(state()["status"], "running");
}

TEST_F(MonitorTest, KilledMonitorIsDetected) {
    configure({"sleep", "100"});
    auto s = spawn();
    EXPECT_EQ(checkMonitor(stateDir_), MonitorHealth::Running);
    ASSERT_EQ(kill(s.monitorPid, SIGKILL), 0);
    EXPECT_TRUE(waitFor([&] { return checkMonitor(stateDir_) == MonitorHealth::Lost; }));
    EXPECT_THROW(monitorRequest(stateDir_, "status"), Error);
    // The container itself is still there (orphaned): the engine must report and clean it up.
    EXPECT_EQ(kill(s.containerPid, 0), 0);
}

TEST_F(MonitorTest, StatusReportsRunningContainer) {
    configure({"sleep", "100"});
    auto s = spawn();
    auto status = json::parse(monitorRequest(stateDir_, "status"));
    EXPECT_EQ(status["status"], "running");
    EXPECT_EQ(status["pid"], s.containerPid);
    EXPECT_EQ(status["monitorPid"], s.monitorPid);
    EXPECT_EQ(state()["status"], "running");
}

TEST_F(MonitorTest, ExitCommandRunsAfterTheFinalExit) {
    configure({"sh", "-c", "exit 5"});
    auto o = options();
    std::string marker = dir_ / "exit-command-ran";
    o.exitCommand = {"/bin/sh", "-c",
                     "echo \"$BERTH_CONTAINER_ID $BERTH_EXIT_CODE\" > " + marker + ".tmp; "
                     "mv " + marker + ".tmp " + marker};
    spawn(o);
    ASSERT_TRUE(waitFor([&] { return pathExists(marker); })) << "exit command did not run";
    EXPECT_EQ(readFile(marker), id_ + " 5\n");
    EXPECT_TRUE(waitFinalExit().is_object());  // the record was there before the command ran
}

TEST_F(MonitorTest, HungRuntimeIsKilledAndReported) {
    std::string fake = dir_ / "hung-runtime";
    writeFile(fake, "#!/bin/sh\nexec sleep 100\n");
    chmod(fake.c_str(), 0755);
    auto o = options();
    o.runtime = fake;
    o.runtimeTimeoutNs = 1'000'000'000;
    auto t0 = std::chrono::steady_clock::now();
    try {
        spawn(o);
        FAIL() << "a hung runtime must fail the spawn";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no answer within 1 s"), std::string::npos)
            << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
}

TEST_F(MonitorTest, StopOfCreatedContainerEndsTheMonitor) {
    configure({"sleep", "100"});
    auto o = options();
    o.noStart = true;
    spawn(o);
    EXPECT_EQ(monitorRequest(stateDir_, "stop"), "137");
    auto record = waitFinalExit();
    EXPECT_TRUE(record.value("manualStop", false));
    EXPECT_EQ(checkMonitor(stateDir_), MonitorHealth::Exited);
}

TEST_F(MonitorTest, CleanProcessWhateverTheSpawnerLeftBehind) {
    // A careless spawner: SIGCHLD ignored (children would be auto-reaped), a leaked fd, a
    // relative state dir and a runtime given by name only.
    configure({"sh", "-c", "sleep 0.5; exit 3"});
    int report[2];
    ASSERT_EQ(pipe(report), 0);
    pid_t spawner = fork();
    if (spawner == 0) {
        close(report[0]);
        signal(SIGCHLD, SIG_IGN);
        int leaked = open((dir_ / "leaked").c_str(), O_CREAT | O_RDWR, 0600);  // no O_CLOEXEC
        dup2(leaked, 20);  // clear of fd 3, which spawnMonitor uses for the sync pipe
        if (chdir(dir_.path().c_str()) != 0) _exit(1);
        auto o = options();
        o.stateDir = "state";
        o.logPath = "state/ctr.log";
        std::string runtimeDir = runtime_.substr(0, runtime_.rfind('/'));
        setenv("PATH", (runtimeDir + ":/usr/bin:/bin").c_str(), 1);
        o.runtime = runtime_.substr(runtime_.rfind('/') + 1);
        pid_t monitorPid = 0;
        try {
            monitorPid = spawn(o).monitorPid;
        } catch (const std::exception& e) {
            fprintf(stderr, "spawn: %s\n", e.what());
        }
        (void)!write(report[1], &monitorPid, sizeof monitorPid);
        _exit(0);
    }
    close(report[1]);
    pid_t monitorPid = 0;
    ASSERT_EQ(read(report[0], &monitorPid, sizeof monitorPid), (ssize_t)sizeof monitorPid);
    close(report[0]);
    waitpid(spawner, nullptr, 0);
    ASSERT_GT(monitorPid, 0);
    for (const auto& entry :
         std::filesystem::directory_iterator("/proc/" + std::to_string(monitorPid) + "/fd")) {
        std::error_code ec;
        auto target = std::filesystem::read_symlink(entry.path(), ec);
        EXPECT_NE(target.string(), dir_ / "leaked") << "inherited fd kept open";
    }
    EXPECT_EQ(std::filesystem::read_symlink("/proc/" + std::to_string(monitorPid) + "/cwd"), "/");
    auto record = waitFinalExit();
    EXPECT_EQ(record["exitCode"], 3) << "exit status lost (SIGCHLD ignored?)";
}

}  // namespace
}  // namespace berth::monitor::test
