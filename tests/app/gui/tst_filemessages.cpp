// SPDX-License-Identifier: GPL-2.0-or-later
// What a file says when it opens is kept whole (app/gui/mainwindow_messages.cpp): every load warning of a project
// (not the last one only, overwriting the others in the status bar), an import's notes and warnings, a trace's
// malformed lines; the status bar's Messages button counts them and lists them; a clean file hides it.
#include "mainwindow.h"

#include <QDialog>
#include <QFile>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace cmascope;

namespace {
QToolButton* messagesButton(app::MainWindow& w)
{
    return w.findChild<QToolButton*>(QStringLiteral("fileMessagesButton"));
}
} // namespace

class TestFileMessages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyProjectWarningIsKept();
    void importMessagesAreListed();
    void malformedTraceLines();
};

void TestFileMessages::everyProjectWarningIsKept()
{
    QTemporaryDir dir;
    QFile demo(QStringLiteral(CMASCOPE_SOURCE_DIR "/resources/demos/textbook-fits.json"));
    QVERIFY(demo.open(QIODevice::ReadOnly));
    QByteArray json = demo.readAll();
    // two keys this cmascope does not know: two warnings
    json.replace("\"format\": \"cmascope-project\",", "\"format\": \"cmascope-project\", \"colour\": 1,");
    json.replace("\"page_size\": 4096,", "\"page_size\": 4096, \"vendor\": \"x\",");
    const QString path = dir.filePath(QStringLiteral("two-warnings.json"));
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(json);
    out.close();
    app::MainWindow w;
    w.show();
    QVERIFY(w.openProject(path, true));
    const QStringList messages = w.fileMessages();
    QCOMPARE(messages.size(), 2);
    QVERIFY(messages.join(QLatin1Char('\n')).contains(QLatin1String("colour")));
    QVERIFY(messages.join(QLatin1Char('\n')).contains(QLatin1String("vendor")));
    QToolButton* button = messagesButton(w);
    QVERIFY(button && button->isVisible());
    QCOMPARE(button->text(), QStringLiteral("2 messages"));
    button->click();
    auto* dialog = w.findChild<QDialog*>(QStringLiteral("fileMessagesDialog"));
    QVERIFY(dialog);
    const QString listed = dialog->findChild<QPlainTextEdit*>()->toPlainText();
    QVERIFY(listed.contains(QLatin1String("colour")) && listed.contains(QLatin1String("vendor")));
    // a clean file: no messages, no button
    QVERIFY(w.openProject(QStringLiteral(CMASCOPE_SOURCE_DIR "/resources/demos/textbook-fits.json"), true));
    QVERIFY(w.fileMessages().isEmpty());
    QVERIFY(!button->isVisible());
}

void TestFileMessages::importMessagesAreListed()
{
    app::MainWindow w;
    w.show();
    // a device tree whose /memory the firmware fills in: a note and a warning, with their nodes
    QVERIFY(w.importConfiguration(QStringLiteral(CMASCOPE_SOURCE_DIR "/tests/data/rpi4-firmware-memory.dts"), true));
    const QString listed = w.fileMessages().join(QLatin1Char('\n'));
    QCOMPARE(w.fileMessages().size(), 2);
    QVERIFY2(listed.contains(QLatin1String("rpi4-firmware-memory.dts: /memory: warning:")), qPrintable(listed));
    QVERIFY(messagesButton(w)->isVisible());
}

void TestFileMessages::malformedTraceLines()
{
    app::MainWindow w;
    w.show();
    w.openTrace(QStringLiteral(CMASCOPE_SOURCE_DIR "/tests/data/trace-malformed.txt"), true);
    const QStringList messages = w.fileMessages();
    QCOMPARE(messages.size(), 2);
    QVERIFY(messages.first().startsWith(QLatin1String("trace-malformed.txt:2: ")));
    QCOMPARE(messagesButton(w)->text(), QStringLiteral("2 messages"));
}

QTEST_MAIN(TestFileMessages)
#include "tst_filemessages.moc"
