// SPDX-License-Identifier: GPL-2.0-or-later
// Device trees (docs/device-tree.md), source import: compiles the DTS with `dtc` in a child process (killed on
// timeout or cancel) and reads the blob with importDeviceTreeBlob() (devicetree_import.cpp).
#include "internal.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <variant>

extern char** environ;

namespace cmascope {

using namespace configio;

namespace {

std::string readAll(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void replaceAll(std::string& s, const std::string& from, const std::string& to)
{
    if (from.empty())
        return;
    for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
}

/// Runs @p argv with stdout to /dev/null and stderr to @p errFile, in a process group of its own; returns the
/// exit status or an error text. The group is killed when @p timeout passes or @p progress says stop; the
/// error then says which, and names @p what (the file being compiled).
std::variant<int, std::string> run(const std::vector<std::string>& argv, const std::string& errFile,
    std::chrono::milliseconds timeout, const Progress& progress, const std::string& what)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP); // its own group: a kill reaches its children too
    posix_spawnattr_setpgroup(&attr, 0);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, argv[0].c_str(), &fa, &attr, args.data(), environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return "cannot run " + argv[0] + ": " + std::strerror(rc)
            + (rc == ENOENT ? " (install the device tree compiler, Debian package device-tree-compiler)" : "");
    auto reap = [&](int& status) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    };
    int status = 0;
    const auto start = std::chrono::steady_clock::now();
    auto pause = std::chrono::milliseconds(1);
    for (;;) {
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR) {
            const std::string error = std::strerror(errno);
            ::kill(-pid, SIGKILL);
            reap(status);
            return "waiting for " + argv[0] + " failed: " + error;
        }
        const bool stop = !progress(0, 0);
        const auto elapsed = std::chrono::steady_clock::now() - start;
        if (stop || elapsed >= timeout) {
            ::kill(-pid, SIGKILL);
            reap(status);
            if (stop)
                return argv[0] + " was stopped: importing " + what + " was cancelled";
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
            const std::string limit = ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
            return argv[0] + " did not finish compiling " + what + " within " + limit
                + " and was stopped (is the file very large, or does dtc hang on it?)";
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
    if (WIFSIGNALED(status))
        return argv[0] + " was killed by signal " + std::to_string(WTERMSIG(status));
    return WEXITSTATUS(status);
}

} // namespace

ImportResult importDeviceTreeSource(std::string_view dts, const ImportOptions& options)
{
    namespace fs = std::filesystem;
    ImportResult result;
    result.source = sourceName(options);
    Messages msg(result);

    std::error_code ec;
    std::string tmpl = (fs::temp_directory_path(ec) / "cmascope-dtc-XXXXXX").string();
    if (ec || ::mkdtemp(tmpl.data()) == nullptr) {
        msg.error("", "", std::string("cannot create a temporary directory for dtc: ") + std::strerror(errno), "dtc");
        return result;
    }
    const fs::path dir = tmpl;
    const fs::path in = dir / "input.dts", outDtb = dir / "output.dtb", err = dir / "dtc.err";
    {
        std::ofstream f(in, std::ios::binary);
        f.write(dts.data(), static_cast<std::streamsize>(dts.size()));
        if (!f) {
            msg.error("", "", "cannot write the temporary input for dtc", "dtc");
            fs::remove_all(dir, ec);
            return result;
        }
    }
    std::vector<std::string> argv { options.dtcPath, "-I", "dts", "-O", "dtb", "-@", "-o", outDtb.string() };
    if (!options.sourceName.empty()) {
        const fs::path src(options.sourceName);
        argv.push_back("-i");
        argv.push_back(src.has_parent_path() ? src.parent_path().string() : std::string("."));
    }
    argv.push_back(in.string());
    const auto status = run(argv, err.string(), options.dtcTimeout, options.progress, result.source);
    std::string errText = readAll(err);
    replaceAll(errText, in.string(), result.source);
    std::string blob = readAll(outDtb);
    fs::remove_all(dir, ec);

    if (const auto* failure = std::get_if<std::string>(&status)) {
        msg.error("", "", *failure, "dtc");
        return result;
    }
    const int code = std::get<int>(status);
    std::istringstream lines(errText);
    std::string line;
    std::vector<std::string> dtcLines;
    while (std::getline(lines, line)) {
        if (!line.empty())
            dtcLines.push_back(line);
    }
    if (code != 0) {
        if (dtcLines.empty())
            dtcLines.push_back("dtc failed with exit status " + std::to_string(code));
        for (const auto& l : dtcLines)
            msg.error("", "", "dtc: " + l, "dtc");
        return result;
    }
    for (const auto& l : dtcLines)
        msg.warning("", "", "dtc: " + l, "dtc");
    ImportResult fromBlob = importDeviceTreeBlob(blob, options);
    for (auto& m : fromBlob.messages)
        result.messages.push_back(std::move(m));
    result.memoryMissing = fromBlob.memoryMissing;
    if (!msg.hasErrors())
        result.project = std::move(fromBlob.project);
    return result;
}

} // namespace cmascope
