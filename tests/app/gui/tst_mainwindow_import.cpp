// SPDX-License-Identifier: GPL-2.0-or-later
// Importing a 2010 command line the kernel's own parser rejects in part: the app says what the kernel keeps and
// imports it when asked (docs/cma2010.md#parsing-as-the-kernel-did), or leaves the open project as it was.
#include "mainwindow.h"

#include <cmascope/model/project.h>

#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace cmascope;

namespace {

constexpr const char* kRejected = "cma=vf=1M/128K;a=20M;b=0;c=8M cma_map=video/a=a;video/b=b;video/f=vf\n";

QString writeFile(const QTemporaryDir& dir, const QString& name, const char* text)
{
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly) || f.write(text) < 0)
        return {};
    return f.fileName();
}

/// Answers the first modal message box that appears by clicking the button whose text contains @p button;
/// its text lands in @p shown.
class BoxAnswer : public QObject
{
public:
    BoxAnswer(QString button, QString& shown)
        : m_button(std::move(button))
        , m_shown(shown)
    {
        connect(&m_timer, &QTimer::timeout, this, [this] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box)
                return;
            m_shown = box->text();
            if (qEnvironmentVariableIsSet("CMASCOPE_GRAB_DIALOG")) // to look at it: a PNG of the box
                box->grab().save(qEnvironmentVariable("CMASCOPE_GRAB_DIALOG"));
            for (QAbstractButton* b : box->buttons()) {
                if (b->text().contains(m_button)) {
                    m_timer.stop();
                    b->click();
                    return;
                }
            }
        });
        m_timer.start(20);
    }

private:
    QTimer m_timer;
    QString m_button;
    QString& m_shown;
};

QStringList regionNames(const Platform& p)
{
    QStringList out;
    for (const Region& r : p.regions)
        out << QString::fromStdString(r.name);
    return out;
}

} // namespace

class TestMainWindowImport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void importsWhatTheKernelKeeps();
    void cancelKeepsTheProject();
};

void TestMainWindowImport::importsWhatTheKernelKeeps()
{
    QTemporaryDir dir;
    const QString path = writeFile(dir, QStringLiteral("board.cmdline"), kRejected);
    app::MainWindow w;
    QString shown;
    BoxAnswer answer(QStringLiteral("Import What the Kernel Keeps"), shown);
    QVERIFY2(w.importConfiguration(path), qPrintable(w.lastError()));
    QVERIFY2(shown.contains(QStringLiteral("invalid size near 0")), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("2 region(s) and 3 map rule(s)")), qPrintable(shown));
    QCOMPARE(regionNames(w.project().platform), QStringList({ QStringLiteral("vf"), QStringLiteral("a") }));
    QCOMPARE(w.project().platform.rules.size(), std::size_t(3));
}

void TestMainWindowImport::cancelKeepsTheProject()
{
    QTemporaryDir dir;
    const QString path = writeFile(dir, QStringLiteral("board.cmdline"), kRejected);
    app::MainWindow w;
    const Platform before = w.project().platform;
    QString shown;
    BoxAnswer answer(QStringLiteral("Cancel"), shown);
    QVERIFY(!w.importConfiguration(path));
    QVERIFY(!shown.isEmpty());
    QVERIFY(w.project().platform == before);
    // Quiet (scripted) imports never take a partial result.
    QVERIFY(!w.importConfiguration(path, true));
    QVERIFY(w.lastError().contains(QStringLiteral("invalid size near 0")));
}

QTEST_MAIN(TestMainWindowImport)
#include "tst_mainwindow_import.moc"
