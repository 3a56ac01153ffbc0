// SPDX-License-Identifier: GPL-2.0-or-later
// One window for files opened later (app/gui/singleinstance.h): a second start hands its file to the instance
// listening and the running window gets it; with none running, it keeps it; a socket left by a crashed instance
// does not stop the next one from listening.
#include "singleinstance.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

using cmascope::app::InstanceChannel;

class TestSingleInstance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void handsFilesToTheRunningInstance();
    void noInstanceKeepsTheFile();
    void secondListenerRefused();
    void staleSocketRemoved();
    void defaultPathIsPrivate();

private:
    QString socketPath(const char* name) const { return m_dir.filePath(QLatin1String(name)); }
    QTemporaryDir m_dir;
};

void TestSingleInstance::handsFilesToTheRunningInstance()
{
    InstanceChannel running(socketPath("a.socket"));
    QVERIFY(running.listen());
    QSignalSpy received(&running, &InstanceChannel::filesReceived);
    // the second start runs in its own thread here, as it would in its own process: it blocks until answered
    const QString file = QStringLiteral("/boards/camera board/trace.dat"); // spaces and all
    auto handed = QtConcurrent::run([path = socketPath("a.socket"), file] {
        InstanceChannel later(path);
        return later.handOver({ file });
    });
    QTRY_COMPARE(received.size(), 1);
    QCOMPARE(received.at(0).at(0).toStringList(), QStringList { file });
    handed.waitForFinished();
    QVERIFY(handed.result());
}

void TestSingleInstance::noInstanceKeepsTheFile()
{
    InstanceChannel alone(socketPath("none.socket"));
    QVERIFY(!alone.handOver({ QStringLiteral("/x.json") }, 500));
}

void TestSingleInstance::secondListenerRefused()
{
    InstanceChannel first(socketPath("b.socket"));
    QVERIFY(first.listen());
    auto second = QtConcurrent::run([path = socketPath("b.socket")] {
        InstanceChannel other(path);
        return other.listen();
    });
    QTRY_VERIFY(second.isFinished());
    QVERIFY(!second.result());
    QVERIFY(first.isListening());
}

void TestSingleInstance::staleSocketRemoved()
{
    // an instance that crashed leaves its socket file behind, with nobody listening on it
    const QString path = socketPath("c.socket");
    QFile stale(path);
    QVERIFY(stale.open(QIODevice::WriteOnly));
    stale.close();
    InstanceChannel next(path);
    QVERIFY(!next.handOver({ QStringLiteral("/x.json") }, 500));
    QVERIFY(next.listen());
    QVERIFY(next.isListening());
}

void TestSingleInstance::defaultPathIsPrivate()
{
    const QString path = InstanceChannel::defaultSocketPath();
    QVERIFY(path.endsWith(QLatin1String("/io.github.cmascope.socket")));
    QVERIFY(!path.startsWith(QLatin1String("/tmp/io.github"))); // never a shared folder without the user in it
}

QTEST_GUILESS_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"
