// SPDX-License-Identifier: GPL-2.0-or-later
// The words the 2010 cma= parsers print, per posting: v1 names the field at fault, v3/v4 (cma_param_parse() with
// its NUMPARSE macro, patch 4/6 of <cover.1281100495.git.m.nazarewicz@samsung.com> and of
// <cover.1282286941.git.m.nazarewicz@samsung.com>) say `expected "<name>="` and `invalid value`
// (docs/cma2010.md#the-region-language); the map's cma_map_validate() of v3/v4 has one message of its own.
#include <cmascope/config/configio.h>

#include <QTest>

#include <algorithm>

using namespace cmascope;

class TestConfig2010Messages : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void regionMessages_data();
    void regionMessages();
};

void TestConfig2010Messages::regionMessages_data()
{
    QTest::addColumn<QString>("form");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("message");
    const auto row = [](const char* name, const char* form, const char* param, const char* message) {
        QTest::newRow(name) << QString::fromLatin1(form) << QString::fromLatin1(param) << QString::fromUtf8(message);
    };
    row("v1 no =", "v1", "cma=r1=64M;r2", "cma: param: expecting '=' near r2");
    row("v3 no =", "v3", "cma=r1=64M;r2", "cma: param: expected \"<name>=\" near r2");
    row("v3 no = after -", "v3", "cma=r1=64M;-r2", "cma: param: expected \"<name>=\" near r2");
    row("v4 no =", "v4", "cma=r1=64M;r2", "cma: param: expected \"<name>=\" near r2");
    row("v1 empty name", "v1", "cma==64M", "cma: param: empty region name near =64M");
    row("v3 empty name", "v3", "cma=-=64M", "cma: param: expected \"<name>=\" near =64M");
    row("v4 empty name", "v4", "cma==64M", "cma: param: expected \"<name>=\" near =64M");
    row("v1 size 0", "v1", "cma=r=0", "cma: param: invalid size near 0");
    row("v3 size 0", "v3", "cma=r=0", "cma: param: invalid value near 0");
    row("v4 no size", "v4", "cma=r=@1M", "cma: param: invalid value near @1M");
    row("v1 alignment", "v1", "cma=r=64M/3M", "cma: param: invalid alignment near 3M");
    row("v3 alignment", "v3", "cma=r=64M/3M", "cma: param: invalid value near 3M");
    row("v4 alignment", "v4", "cma=r=64M/3M", "cma: param: invalid value near 3M");
    // cma_map_validate() of v3/v4 has one message for a rule without '=' or without patterns, followed by the
    // rest of the map.
    row("v1 map no =", "v1", "cma=r=1M cma_map=video", "cma: map: expecting '=' in rule 1");
    row("v4 map no =", "v4", "cma=r=1M cma.map=video", "cma: map: expecting \"<patterns>=<regions>\" near video");
    row("v3 map no patterns", "v3", "cma=r=1M cma.map=a=r;=r", "cma: map: expecting \"<patterns>=<regions>\" near =r");
    row("v4 map empty rule", "v4", "cma=r=1M cma.map=a=r;;b=r",
        "cma: map: expecting \"<patterns>=<regions>\" near ;b=r");
}

void TestConfig2010Messages::regionMessages()
{
    QFETCH(QString, form);
    QFETCH(QString, param);
    QFETCH(QString, message);
    ImportOptions opt;
    opt.form2010 = lang2010FormFromId(form.toStdString());
    const auto r = import2010(param.toStdString(), opt);
    QVERIFY(!r.ok());
    const auto err = std::find_if(
        r.messages.begin(), r.messages.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; });
    QVERIFY(err != r.messages.end());
    QVERIFY2(err->message.find(message.toStdString()) != std::string::npos, err->message.c_str());
}

QTEST_GUILESS_MAIN(TestConfig2010Messages)
#include "tst_config_2010messages.moc"
