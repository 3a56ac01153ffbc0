// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/util/csv.h>

#include <QTest>

class TestCsv : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void field_data();
    void field();
};

void TestCsv::field_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("field");
    QTest::newRow("plain") << QByteArray("kernel") << QByteArray("kernel");
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("comma") << QByteArray("a,b") << QByteArray("\"a,b\"");
    QTest::newRow("quote") << QByteArray("say \"hi\"") << QByteArray("\"say \"\"hi\"\"\"");
    QTest::newRow("line feed") << QByteArray("a\nb") << QByteArray("\"a\nb\"");
    // A bare carriage return ends a record for many readers: it was written unquoted.
    QTest::newRow("carriage return") << QByteArray("a\rb") << QByteArray("\"a\rb\"");
    QTest::newRow("leading blank") << QByteArray(" x") << QByteArray("\" x\"");
    QTest::newRow("utf-8") << QByteArray("caf\xc3\xa9") << QByteArray("caf\xc3\xa9");
}

void TestCsv::field()
{
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, field);
    QCOMPARE(QByteArray::fromStdString(cmascope::csvField(value.toStdString())), field);
}

QTEST_GUILESS_MAIN(TestCsv)
#include "tst_csv.moc"
