// SPDX-License-Identifier: GPL-2.0-or-later
// The sources a live replay follows (docs/following.md, "Sources"): a regular file read on as it grows and
// ended by --follow-idle or by a truncation, a FIFO opened before its writer, a command's output and exit
// status, a command stopped (SIGTERM to its process group).
#include <cmascope/trace/followsource.h>

#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace cmascope;

namespace {

std::unique_ptr<FollowSource> openSource(const FollowSourceSpec& spec)
{
    auto opened = FollowSource::open(spec);
    if (auto* err = std::get_if<std::string>(&opened))
        qFatal("%s", err->c_str());
    return std::move(std::get<std::unique_ptr<FollowSource>>(opened));
}

/// Reads until Data, End or Failed (at most @p tries waits); the last result.
FollowSource::Read readUntilSomething(FollowSource& s, std::string& buffer, int tries = 100)
{
    FollowSource::Read r = FollowSource::Read::Wait;
    for (int i = 0; i < tries && r == FollowSource::Read::Wait; ++i)
        r = s.read(buffer, 50);
    return r;
}

void append(const std::string& path, const std::string& text, bool truncate = false)
{
    std::ofstream out(path, std::ios::binary | (truncate ? std::ios::trunc : std::ios::app));
    out << text;
}

} // namespace

class TestFollowSource : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // tail -f: the bytes there, then nothing (Wait), then the bytes appended; a shrinking file ends it.
    void fileGrowsThenTruncated()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("t.txt")).toStdString();
        append(path, "line 1\n");
        auto src = openSource({ FollowSourceSpec::Path, path, 0 });
        std::string buf;
        QCOMPARE(src->read(buf, 10), FollowSource::Read::Data);
        QCOMPARE(buf, std::string("line 1\n"));
        QCOMPARE(src->read(buf, 10), FollowSource::Read::Wait);
        append(path, "line 2\n");
        QCOMPARE(readUntilSomething(*src, buf), FollowSource::Read::Data);
        QCOMPARE(buf, std::string("line 1\nline 2\n"));
        append(path, "x", true);
        QCOMPARE(readUntilSomething(*src, buf), FollowSource::Read::End);
        QVERIFY2(src->endNote().ends_with("was truncated while followed"), src->endNote().c_str());
    }

    // --follow-idle: a file with no new byte for that long ends.
    void fileIdle()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("t.txt")).toStdString();
        append(path, "a\n");
        auto src = openSource({ FollowSourceSpec::Path, path, 0.25 });
        std::string buf;
        const auto start = std::chrono::steady_clock::now();
        QCOMPARE(src->read(buf, 10), FollowSource::Read::Data);
        QCOMPARE(readUntilSomething(*src, buf), FollowSource::Read::End);
        QVERIFY(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(250));
        QCOMPARE(QString::fromStdString(src->endNote()), QStringLiteral("no new bytes for 0.25 s"));
    }

    // A FIFO opens before any writer; it waits for one, and ends when the writer closes it.
    void fifo()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("f")).toStdString();
        QCOMPARE(::mkfifo(path.c_str(), 0600), 0);
        auto src = openSource({ FollowSourceSpec::Path, path, 0 });
        std::string buf;
        QCOMPARE(src->read(buf, 50), FollowSource::Read::Wait); // no writer yet: not the end
        {
            std::ofstream w(path, std::ios::binary);
            w << "hello\n";
        }
        QCOMPARE(readUntilSomething(*src, buf), FollowSource::Read::Data);
        QCOMPARE(buf, std::string("hello\n"));
        QCOMPARE(readUntilSomething(*src, buf), FollowSource::Read::End);
        QCOMPARE(QString::fromStdString(src->endNote()), QStringLiteral("end of input"));
    }

    // A command's output is the input, run by /bin/sh -c as typed; its exit status ends the note.
    void commandExitStatus()
    {
        auto src = openSource({ FollowSourceSpec::Command, "printf 'a b\\n' && exit 4", 0 });
        std::string buf;
        FollowSource::Read r = FollowSource::Read::Wait;
        while ((r = readUntilSomething(*src, buf)) == FollowSource::Read::Data) { }
        QCOMPARE(r, FollowSource::Read::End);
        QCOMPARE(buf, std::string("a b\n"));
        QCOMPARE(QString::fromStdString(src->endNote()),
            QStringLiteral("command 'printf 'a b\\n' && exit 4' exited with status 4"));
    }

    // Stopping a command that never ends terminates it (and what its shell started) at once.
    void commandStopped()
    {
        auto src = openSource({ FollowSourceSpec::Command, "sleep 30 && echo never", 0 });
        std::string buf;
        QCOMPARE(src->read(buf, 20), FollowSource::Read::Wait);
        const auto start = std::chrono::steady_clock::now();
        src->stop();
        QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
        QVERIFY2(src->endNote().find("ended by signal 15") != std::string::npos, src->endNote().c_str());
    }

    void errors()
    {
        auto missing = FollowSource::open({ FollowSourceSpec::Path, "/no/such/file", 0 });
        QVERIFY(std::get<std::string>(missing).starts_with("/no/such/file: cannot open: "));
        QTemporaryDir dir;
        auto directory = FollowSource::open({ FollowSourceSpec::Path, dir.path().toStdString(), 0 });
        QCOMPARE(
            QString::fromStdString(std::get<std::string>(directory)), dir.path() + QStringLiteral(": is a directory"));
    }
};

QTEST_GUILESS_MAIN(TestFollowSource)
#include "tst_followsource.moc"
