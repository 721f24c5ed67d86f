// The interactive acceptance of issue 5, driven through tmux like a user at a terminal:
// `berth run -it busybox sh` answers typed commands, ctrl-p ctrl-q detaches (the CLI exits 0,
// the container runs on), `attach` reattaches (the shell answers, ctrl-p ctrl-q → "read escape
// sequence", status 1), a resize of the tmux window reaches the container (stty size), and the
// same for `exec -it` and `start -a -i`. Private --root under a TempDir, private tmux server (-L).
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "harness/berth_env.hpp"

using berth::test::BerthEnv;
using berth::test::binPath;
using berth::test::CommandResult;
using berth::test::runCommand;
using berth::test::splitLines;

namespace {

bool haveTmux() {
    return access("/usr/bin/tmux", X_OK) == 0 || access("/usr/local/bin/tmux", X_OK) == 0;
}

// One private tmux server with one window running sh; the pane is the user's terminal.
class Tmux {
  public:
    Tmux(int cols, int rows) : socket_("berth-it-" + std::to_string(getpid())) {
        auto r = tmux({"new-session", "-d", "-s", "t", "-x", std::to_string(cols), "-y",
                       std::to_string(rows), "env PS1='host$ ' sh"});
        EXPECT_EQ(r.exitCode, 0) << "tmux new-session: " << r.err;
    }
    ~Tmux() { tmux({"kill-server"}); }

    CommandResult tmux(std::vector<std::string> args) const {
        args.insert(args.begin(), {"tmux", "-L", socket_});
        return runCommand(args, "", 20);
    }
    // Types text (literally) and, unless enter is false, Enter.
    void type(const std::string& text, bool enter = true) const {
        tmux({"send-keys", "-t", "t", "-l", text});
        if (enter) tmux({"send-keys", "-t", "t", "Enter"});
    }
    void keys(std::vector<std::string> keys) const {
        keys.insert(keys.begin(), {"send-keys", "-t", "t"});
        tmux(keys);
    }
    std::string pane() const { return tmux({"capture-pane", "-p", "-J", "-S", "-200", "-t", "t"}).out; }
    void clear() const {
        type("clear");
        tmux({"clear-history", "-t", "t"});
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    // Waits until a line of the pane equals line (trailing blanks ignored).
    bool waitLine(const std::string& line, int timeoutMs = 10000) const {
        auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        while (std::chrono::steady_clock::now() < end) {
            for (auto l : splitLines(pane())) {
                while (!l.empty() && l.back() == ' ') l.pop_back();
                if (l == line) return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }
    bool waitText(const std::string& text, int timeoutMs = 10000) const {
        auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        while (std::chrono::steady_clock::now() < end) {
            if (pane().find(text) != std::string::npos) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }

  private:
    std::string socket_;
};

class Interactive : public ::testing::Test {
  protected:
    void SetUp() override {
        BERTH_REQUIRE_ROOT();
        if (!haveTmux()) GTEST_SKIP() << "tmux is not installed (apt-get install tmux): "
                                         "the interactive acceptance needs a terminal to drive";
        env_ = std::make_unique<BerthEnv>("berth-interactive-it");
        tmux_ = std::make_unique<Tmux>(100, 30);
        ASSERT_TRUE(tmux_->waitText("host$")) << tmux_->pane();
    }
    void TearDown() override {
        tmux_.reset();
        env_.reset();
    }
    std::string berth() const { return binPath("berth") + " --root " + env_->root(); }
    bool running(const std::string& name) const {
        auto st = env_->inspect(name);
        return st.contains("State") && st["State"].value("Running", false);
    }

    std::unique_ptr<BerthEnv> env_;
    std::unique_ptr<Tmux> tmux_;
};

TEST_F(Interactive, RunItDetachAttachResize) {
    Tmux& t = *tmux_;
    t.type(berth() + " run -it --name it1 busybox sh; echo cli-exit=$?");
    ASSERT_TRUE(t.waitText("/ # ")) << t.pane();
    t.type("echo $((6*7))");
    EXPECT_TRUE(t.waitLine("42")) << t.pane();
    t.type("stty size");
    EXPECT_TRUE(t.waitLine("30 100")) << t.pane();

    // ctrl-p ctrl-q: the CLI exits 0 (docker run prints nothing), the container runs on.
    t.keys({"C-p", "C-q"});
    ASSERT_TRUE(t.waitLine("cli-exit=0") || t.waitText("cli-exit=0")) << t.pane();
    EXPECT_TRUE(running("it1"));

    // attach: the same shell answers; a resize of the window reaches it.
    t.clear();
    t.type(berth() + " attach it1; echo attach-exit=$?");
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    t.type("echo $((6*7+1))");
    EXPECT_TRUE(t.waitLine("43")) << t.pane();
    t.tmux({"resize-window", "-t", "t", "-x", "120", "-y", "40"});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    t.type("stty size");
    EXPECT_TRUE(t.waitLine("40 120")) << t.pane();
    t.keys({"C-p", "C-q"});
    EXPECT_TRUE(t.waitText("read escape sequence")) << t.pane();
    EXPECT_TRUE(t.waitText("attach-exit=1")) << t.pane();
    EXPECT_TRUE(running("it1"));

    // Custom detach keys; ctrl-p ctrl-q then pass through to the shell.
    t.clear();
    t.type(berth() + " attach --detach-keys=ctrl-a,x it1; echo attach2-exit=$?");
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    t.type("echo $((6*7+2))");
    EXPECT_TRUE(t.waitLine("44")) << t.pane();
    t.keys({"C-a", "x"});
    EXPECT_TRUE(t.waitText("attach2-exit=1")) << t.pane();
    EXPECT_TRUE(running("it1"));

    // exec -it: its own terminal, sized like the window; its exit code is the CLI's.
    t.clear();
    t.type(berth() + " exec -it it1 sh; echo exec-exit=$?");
    ASSERT_TRUE(t.waitText("/ # ")) << t.pane();
    t.type("stty size");
    EXPECT_TRUE(t.waitLine("40 120")) << t.pane();
    t.tmux({"resize-window", "-t", "t", "-x", "90", "-y", "25"});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    t.type("stty size; echo $TERM");
    EXPECT_TRUE(t.waitLine("25 90")) << t.pane();
    EXPECT_TRUE(t.waitLine("xterm")) << t.pane();
    t.type("exit 3");
    EXPECT_TRUE(t.waitText("exec-exit=3")) << t.pane();

    // The container's shell still answers; exit ends it and the attached CLI with its code.
    t.clear();
    t.type(berth() + " attach it1; echo attach3-exit=$?");
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    t.type("exit 7");
    EXPECT_TRUE(t.waitText("attach3-exit=7")) << t.pane();
    EXPECT_FALSE(running("it1"));
}

TEST_F(Interactive, StartAttachInteractive) {
    Tmux& t = *tmux_;
    env_->ok({"create", "-it", "--name", "st1", "busybox", "sh"});
    t.type(berth() + " start -a -i st1; echo start-exit=$?");
    ASSERT_TRUE(t.waitText("/ # ")) << t.pane();
    t.type("echo $((6*7))");
    EXPECT_TRUE(t.waitLine("42")) << t.pane();
    t.type("stty size");
    EXPECT_TRUE(t.waitLine("30 100")) << t.pane();
    t.keys({"C-p", "C-q"});
    EXPECT_TRUE(t.waitText("start-exit=0")) << t.pane();
    EXPECT_TRUE(running("st1"));

    // start -a -i of a running container attaches to it.
    t.clear();
    t.type(berth() + " start -a -i st1; echo start2-exit=$?");
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    t.type("exit 5");
    EXPECT_TRUE(t.waitText("start2-exit=5")) << t.pane();
}

TEST_F(Interactive, ExecItDetachLeavesTheProcess) {
    Tmux& t = *tmux_;
    env_->ok({"run", "-d", "--name", "ex1", "busybox", "sleep", "1000"});
    t.type(berth() + " exec -it ex1 sh; echo exec-exit=$?");
    ASSERT_TRUE(t.waitText("/ # ")) << t.pane();
    t.type("echo $$ > /tmp/execpid");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    t.keys({"C-p", "C-q"});
    EXPECT_TRUE(t.waitText("read escape sequence")) << t.pane();
    EXPECT_TRUE(t.waitText("exec-exit=1")) << t.pane();
    // The exec'd shell is still there.
    auto pid = env_->ok({"exec", "ex1", "cat", "/tmp/execpid"});
    ASSERT_FALSE(pid.empty());
    auto r = env_->run({"exec", "ex1", "sh", "-c", "kill -0 " + pid});
    EXPECT_EQ(r.exitCode, 0) << "the exec'd shell went away on detach: " << r.err;
}

}  // namespace
