// SPDX-License-Identifier: GPL-2.0-or-later
#include <cmascope/model/maplang.h>

#include <QTest>

using namespace cmascope;

namespace {

std::string str(const QByteArray& b)
{
    return b.toStdString();
}

QStringList toList(const std::vector<std::string>& v)
{
    QStringList l;
    for (const std::string& s : v) {
        l << QString::fromStdString(s);
    }
    return l;
}

/// "a,b,c" -> {"a","b","c"}; "" -> {}.
QStringList L(const char* names)
{
    return QString::fromLatin1(names).split(u',', Qt::SkipEmptyParts);
}

bool trailContains(const std::vector<std::string>& trail, const QByteArray& needle)
{
    for (const std::string& line : trail) {
        if (line.find(needle.toStdString()) != std::string::npos) {
            return true;
        }
    }
    return false;
}

std::string joined(const std::vector<std::string>& trail)
{
    std::string out;
    for (const std::string& l : trail) {
        out += l + "\n";
    }
    return out;
}

Region region(const char* name, bool asterisk = false)
{
    Region r;
    r.name = name;
    r.size = 16 * MiB;
    r.asterisk = asterisk;
    return r;
}

} // namespace

class TestMapLang : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void match_data();
    void match();
    void nameMatchedPersists();
    void parseErrors_data();
    void parseErrors();
    void parseValid_data();
    void parseValid();
    void ruleLimitWarning();
    void roundTrip_data();
    void roundTrip();
    void resolve2010_data();
    void resolve2010();
    void resolve2010Explains();
    void resolveModern_data();
    void resolveModern();
};

// ---- matching: every example of docs/cma2010.md (map language, v4 types) -----------------------------------

void TestMapLang::match_data()
{
    QTest::addColumn<QByteArray>("map");
    QTest::addColumn<bool>("v4");
    QTest::addColumn<QByteArray>("device");
    QTest::addColumn<QByteArray>("kind");
    QTest::addColumn<int>("rule"); // -1 = no rule matches (-ENOENT)
    QTest::addColumn<int>("pattern"); // index of the matching pattern in the rule
    QTest::addColumn<QStringList>("regions");

    // The v1 documentation's examples (docs/cma2010.md#the-map-language), one rule at a time.
    QTest::newRow("foo=r1: foo, no kind")
        << QByteArray("foo=r1") << false << QByteArray("foo") << QByteArray() << 0 << 0 << L("r1");
    QTest::newRow("foo=r1: kind given -> no (v1)")
        << QByteArray("foo=r1") << false << QByteArray("foo") << QByteArray("x") << -1 << -1 << L("");
    QTest::newRow("foo=r1: exact, foobar")
        << QByteArray("foo=r1") << false << QByteArray("foobar") << QByteArray() << -1 << -1 << L("");
    QTest::newRow("foo=r1: exact, fo") << QByteArray("foo=r1") << false << QByteArray("fo") << QByteArray() << -1 << -1
                                       << L("");
    QTest::newRow("foo/quaz=r2") << QByteArray("foo/quaz=r2") << false << QByteArray("foo") << QByteArray("quaz") << 0
                                 << 0 << L("r2");
    QTest::newRow("foo/quaz=r2: no kind")
        << QByteArray("foo/quaz=r2") << false << QByteArray("foo") << QByteArray() << -1 << -1 << L("");
    QTest::newRow("foo/quaz=r2: quazz") << QByteArray("foo/quaz=r2") << false << QByteArray("foo")
                                        << QByteArray("quazz") << -1 << -1 << L("");
    QTest::newRow("foo/quaz=r2: qua") << QByteArray("foo/quaz=r2") << false << QByteArray("foo") << QByteArray("qua")
                                      << -1 << -1 << L("");
    QTest::newRow("/quaz=r2 alone: no device yet")
        << QByteArray("/quaz=r2") << false << QByteArray("foo") << QByteArray("quaz") << -1 << -1 << L("");
    QTest::newRow("foo=r1;/quaz=r2") << QByteArray("foo=r1;/quaz=r2") << false << QByteArray("foo")
                                     << QByteArray("quaz") << 1 << 0 << L("r2");
    QTest::newRow("foo=r1;/quaz=r2: bar")
        << QByteArray("foo=r1;/quaz=r2") << false << QByteArray("bar") << QByteArray("quaz") << -1 << -1 << L("");
    QTest::newRow("foo/*=r3: no kind") << QByteArray("foo/*=r3") << false << QByteArray("foo") << QByteArray() << 0 << 0
                                       << L("r3");
    QTest::newRow("foo/*=r3: any kind") << QByteArray("foo/*=r3") << false << QByteArray("foo") << QByteArray("zzz")
                                        << 0 << 0 << L("r3");
    QTest::newRow("foo/*=r3: bar") << QByteArray("foo/*=r3") << false << QByteArray("bar") << QByteArray("zzz") << -1
                                   << -1 << L("");
    QTest::newRow("foo=r1;/*=r3") << QByteArray("foo=r1;/*=r3") << false << QByteArray("foo") << QByteArray("x") << 1
                                  << 0 << L("r3");
    QTest::newRow("foo=r1;/*=r3: no kind")
        << QByteArray("foo=r1;/*=r3") << false << QByteArray("foo") << QByteArray() << 0 << 0 << L("r1");
    QTest::newRow("bar/*=r1,r2") << QByteArray("bar/*=r1,r2") << false << QByteArray("bar") << QByteArray("a") << 0 << 0
                                 << L("r1,r2");
    QTest::newRow("bar/*=r1,r2: no kind")
        << QByteArray("bar/*=r1,r2") << false << QByteArray("bar") << QByteArray() << 0 << 0 << L("r1,r2");
    QTest::newRow("bar/*=r1,r2: bar2") << QByteArray("bar/*=r1,r2") << false << QByteArray("bar2") << QByteArray() << -1
                                       << -1 << L("");
    QTest::newRow("baz?: baz1/a") << QByteArray("baz?/a* , baz?/b* = r3") << false << QByteArray("baz1")
                                  << QByteArray("a") << 0 << 0 << L("r3");
    QTest::newRow("baz?: baz1/alpha") << QByteArray("baz?/a* , baz?/b* = r3") << false << QByteArray("baz1")
                                      << QByteArray("alpha") << 0 << 0 << L("r3");
    QTest::newRow("baz?: bazX/beta") << QByteArray("baz?/a* , baz?/b* = r3") << false << QByteArray("bazX")
                                     << QByteArray("beta") << 0 << 1 << L("r3");
    QTest::newRow("baz?: baz1/c") << QByteArray("baz?/a* , baz?/b* = r3") << false << QByteArray("baz1")
                                  << QByteArray("c") << -1 << -1 << L("");
    QTest::newRow("baz?: baz/a (? needs a char)")
        << QByteArray("baz?/a*,baz?/b*=r3") << false << QByteArray("baz") << QByteArray("a") << -1 << -1 << L("");
    QTest::newRow("baz?: baz12/a") << QByteArray("baz?/a*,baz?/b*=r3") << false << QByteArray("baz12")
                                   << QByteArray("a") << -1 << -1 << L("");
    QTest::newRow("baz?: no kind") << QByteArray("baz?/a*,baz?/b*=r3") << false << QByteArray("baz1") << QByteArray()
                                   << -1 << -1 << L("");

    // The whole example map of the v1 documentation.
    const QByteArray doc("foo=r1;foo/quaz=r2;foo/*=r3;bar/*=r1,r2;baz?/a*,baz?/b*=r3");
    QTest::newRow("doc map: foo") << doc << false << QByteArray("foo") << QByteArray() << 0 << 0 << L("r1");
    QTest::newRow("doc map: foo/quaz") << doc << false << QByteArray("foo") << QByteArray("quaz") << 1 << 0 << L("r2");
    QTest::newRow("doc map: foo/other") << doc << false << QByteArray("foo") << QByteArray("other") << 2 << 0
                                        << L("r3");
    QTest::newRow("doc map: bar/x") << doc << false << QByteArray("bar") << QByteArray("x") << 3 << 0 << L("r1,r2");
    QTest::newRow("doc map: baz9/b") << doc << false << QByteArray("baz9") << QByteArray("b") << 4 << 1 << L("r3");
    QTest::newRow("doc map: qux") << doc << false << QByteArray("qux") << QByteArray() << -1 << -1 << L("");

    // The v1 documentation's use cases.
    QTest::newRow("video,camera=r: video")
        << QByteArray("video,camera=r") << false << QByteArray("video") << QByteArray() << 0 << 0 << L("r");
    QTest::newRow("video,camera=r: camera")
        << QByteArray("video,camera=r") << false << QByteArray("camera") << QByteArray() << 0 << 1 << L("r");
    QTest::newRow("video,camera=r: radio")
        << QByteArray("video,camera=r") << false << QByteArray("radio") << QByteArray() << -1 << -1 << L("");
    QTest::newRow("video,camera=r: vid (exact)")
        << QByteArray("video,camera=r") << false << QByteArray("vid") << QByteArray() << -1 << -1 << L("");
    QTest::newRow("video=v;camera=c: video")
        << QByteArray("video=v;camera=c") << false << QByteArray("video") << QByteArray() << 0 << 0 << L("v");
    QTest::newRow("video=v;camera=c: camera")
        << QByteArray("video=v;camera=c") << false << QByteArray("camera") << QByteArray() << 1 << 0 << L("c");
    QTest::newRow("foo/a=a;foo/b=b: a") << QByteArray("foo/a=a;foo/b=b") << false << QByteArray("foo")
                                        << QByteArray("a") << 0 << 0 << L("a");
    QTest::newRow("foo/a=a;foo/b=b: b") << QByteArray("foo/a=a;foo/b=b") << false << QByteArray("foo")
                                        << QByteArray("b") << 1 << 0 << L("b");
    QTest::newRow("foo/a=a;foo/b=b: none")
        << QByteArray("foo/a=a;foo/b=b") << false << QByteArray("foo") << QByteArray() << -1 << -1 << L("");
    QTest::newRow("fallback: a") << QByteArray("foo/a=a,b;foo/b=b,a") << false << QByteArray("foo") << QByteArray("a")
                                 << 0 << 0 << L("a,b");
    QTest::newRow("fallback: b") << QByteArray("foo/a=a,b;foo/b=b,a") << false << QByteArray("foo") << QByteArray("b")
                                 << 1 << 0 << L("b,a");
    QTest::newRow("foo/*=r (single bank)")
        << QByteArray("foo/*=r") << false << QByteArray("foo") << QByteArray("b") << 0 << 0 << L("r");
    QTest::newRow("MFC v1: video/f") << QByteArray("video/a=a;video/b=b;video/f=vf") << false << QByteArray("video")
                                     << QByteArray("f") << 2 << 0 << L("vf");
    QTest::newRow("MFC v1: video/a") << QByteArray("video/a=a;video/b=b;video/f=vf") << false << QByteArray("video")
                                     << QByteArray("a") << 0 << 0 << L("a");
    QTest::newRow("MFC v1: video/b") << QByteArray("video/a=a;video/b=b;video/f=vf") << false << QByteArray("video")
                                     << QByteArray("b") << 1 << 0 << L("b");
    const QByteArray mfc("s3c-mfc5/f=fw;s3c-mfc5/a=b1;s3c-mfc5/b=b2");
    QTest::newRow("MFC board: f") << mfc << false << QByteArray("s3c-mfc5") << QByteArray("f") << 0 << 0 << L("fw");
    QTest::newRow("MFC board: a") << mfc << false << QByteArray("s3c-mfc5") << QByteArray("a") << 1 << 0 << L("b1");
    QTest::newRow("MFC board: b") << mfc << false << QByteArray("s3c-mfc5") << QByteArray("b") << 2 << 0 << L("b2");
    QTest::newRow("MFC board: no kind") << mfc << false << QByteArray("s3c-mfc5") << QByteArray() << -1 << -1 << L("");
    QTest::newRow("MFC board: other device")
        << mfc << false << QByteArray("s3c-fimc") << QByteArray("a") << -1 << -1 << L("");

    // The v4 documentation's examples (docs/cma2010.md#the-v4-type-semantics), in both dialects where they differ.
    QTest::newRow("*=r v1: no kind") << QByteArray("*=r") << false << QByteArray("any") << QByteArray() << 0 << 0
                                     << L("r");
    QTest::newRow("*=r v1: kind -> no") << QByteArray("*=r") << false << QByteArray("any") << QByteArray("x") << -1
                                        << -1 << L("");
    QTest::newRow("*=r v4: kind") << QByteArray("*=r") << true << QByteArray("any") << QByteArray("x") << 0 << 0
                                  << L("r");
    QTest::newRow("*=r v4: no kind") << QByteArray("*=r") << true << QByteArray("any") << QByteArray() << 0 << 0
                                     << L("r");
    QTest::newRow("*=region") << QByteArray("*=region") << true << QByteArray("camera") << QByteArray() << 0 << 0
                              << L("region");
    QTest::newRow("video,camera=region v4") << QByteArray("video,camera=region") << true << QByteArray("camera")
                                            << QByteArray("b") << 0 << 1 << L("region");
    const QByteArray common("video,camera=region;*=common");
    QTest::newRow("region;*=common: video")
        << common << true << QByteArray("video") << QByteArray() << 0 << 0 << L("region");
    QTest::newRow("region;*=common: tv v4")
        << common << true << QByteArray("tv") << QByteArray("x") << 1 << 0 << L("common");
    QTest::newRow("region;*=common: tv v1")
        << common << false << QByteArray("tv") << QByteArray() << 1 << 0 << L("common");
    QTest::newRow("region;*=common: tv/x v1")
        << common << false << QByteArray("tv") << QByteArray("x") << -1 << -1 << L("");
    const QByteArray vcc("video=v;camera=c;*=common");
    QTest::newRow("v;c;*=common: camera") << vcc << true << QByteArray("camera") << QByteArray() << 1 << 0 << L("c");
    QTest::newRow("v;c;*=common: lcd") << vcc << true << QByteArray("lcd") << QByteArray() << 2 << 0 << L("common");
    const QByteArray ab("foo/a=a;foo/b=b;*=a,b");
    QTest::newRow("a;b;*=a,b: foo/a") << ab << true << QByteArray("foo") << QByteArray("a") << 0 << 0 << L("a");
    QTest::newRow("a;b;*=a,b: foo/c v4") << ab << true << QByteArray("foo") << QByteArray("c") << 2 << 0 << L("a,b");
    QTest::newRow("a;b;*=a,b: foo/c v1") << ab << false << QByteArray("foo") << QByteArray("c") << -1 << -1 << L("");
    QTest::newRow("a;b;*=a,b: bar v1") << ab << false << QByteArray("bar") << QByteArray() << 2 << 0 << L("a,b");
    const QByteArray abba("foo/a=a,b;foo/b=b,a;*=a,b");
    QTest::newRow("ab,ba: foo/b") << abba << true << QByteArray("foo") << QByteArray("b") << 1 << 0 << L("b,a");
    QTest::newRow("ab,ba: foo") << abba << true << QByteArray("foo") << QByteArray() << 2 << 0 << L("a,b");
    const QByteArray v4doc("foo/quaz=r1;foo/*=r2;bar=r1,r2;baz?/a,baz?/b=r3");
    QTest::newRow("v4 doc: foo/quaz") << v4doc << true << QByteArray("foo") << QByteArray("quaz") << 0 << 0 << L("r1");
    QTest::newRow("v4 doc: foo/x: '*' literal")
        << v4doc << true << QByteArray("foo") << QByteArray("x") << -1 << -1 << L("");
    QTest::newRow("v4 doc: foo/* literally")
        << v4doc << true << QByteArray("foo") << QByteArray("*") << 1 << 0 << L("r2");
    QTest::newRow("v4 doc: bar any type")
        << v4doc << true << QByteArray("bar") << QByteArray("q") << 2 << 0 << L("r1,r2");
    QTest::newRow("v4 doc: baz1/b") << v4doc << true << QByteArray("baz1") << QByteArray("b") << 3 << 1 << L("r3");
    QTest::newRow("v4 doc: baz1/alpha") << v4doc << true << QByteArray("baz1") << QByteArray("alpha") << -1 << -1
                                        << L("");
    QTest::newRow("v4: NULL type is common")
        << QByteArray("foo/common=c;foo=x") << true << QByteArray("foo") << QByteArray() << 0 << 0 << L("c");
    QTest::newRow("v4: type 'common' given")
        << QByteArray("foo/common=c;foo=x") << true << QByteArray("foo") << QByteArray("common") << 0 << 0 << L("c");
    QTest::newRow("v4: MFC no type") << mfc << true << QByteArray("s3c-mfc5") << QByteArray() << -1 << -1 << L("");
    QTest::newRow("v4: MFC f") << mfc << true << QByteArray("s3c-mfc5") << QByteArray("f") << 0 << 0 << L("fw");
    QTest::newRow("v4: /type reuses device")
        << QByteArray("foo/x=1;/y=2") << true << QByteArray("foo") << QByteArray("y") << 1 << 0 << L("2");
    QTest::newRow("v4: '?' in device") << QByteArray("cam?=c") << true << QByteArray("cam0") << QByteArray("z") << 0
                                       << 0 << L("c");
    QTest::newRow("v4: prefix*") << QByteArray("vid*=v") << true << QByteArray("video0") << QByteArray() << 0 << 0
                                 << L("v");
    QTest::newRow("v1: prefix* matches empty rest")
        << QByteArray("video*=v") << false << QByteArray("video") << QByteArray() << 0 << 0 << L("v");

    // name_matched persists across rules (docs/cma2010.md#the-map-language): set once the device part is consumed.
    QTest::newRow("persist: failed kind keeps name")
        << QByteArray("foo/a=a;/b=b") << false << QByteArray("foo") << QByteArray("b") << 1 << 0 << L("b");
    QTest::newRow("persist: reset by next device") << QByteArray("foo=r1;bar=r2;/quaz=r3") << false << QByteArray("foo")
                                                   << QByteArray("quaz") << -1 << -1 << L("");
    QTest::newRow("persist: prefix-only device quirk")
        << QByteArray("video=v;/x=x") << false << QByteArray("vid") << QByteArray("x") << 1 << 0 << L("x");
    QTest::newRow("persist: mid '*' quirk")
        << QByteArray("a*b=r;/k=k") << false << QByteArray("azzz") << QByteArray("k") << 1 << 0 << L("k");
    QTest::newRow("persist: within a rule")
        << QByteArray("foo/x,/y=r") << false << QByteArray("foo") << QByteArray("y") << 0 << 1 << L("r");
    QTest::newRow("mismatch mid-name resets")
        << QByteArray("fxo=r1;/quaz=r2") << false << QByteArray("foo") << QByteArray("quaz") << -1 << -1 << L("");
    QTest::newRow("empty pattern never matches")
        << QByteArray("a,,b=r") << false << QByteArray("c") << QByteArray() << -1 << -1 << L("");
    QTest::newRow("first match wins") << QByteArray("*=first;foo=second") << false << QByteArray("foo") << QByteArray()
                                      << 0 << 0 << L("first");
    QTest::newRow("*/* catches all v1") << QByteArray("*/*=all") << false << QByteArray("x") << QByteArray("y") << 0
                                        << 0 << L("all");
    QTest::newRow("*/* in v4 is type '*'")
        << QByteArray("*/*=all") << true << QByteArray("x") << QByteArray("y") << -1 << -1 << L("");
}

void TestMapLang::match()
{
    QFETCH(QByteArray, map);
    QFETCH(bool, v4);
    QFETCH(QByteArray, device);
    QFETCH(QByteArray, kind);
    QFETCH(int, rule);
    QFETCH(int, pattern);
    QFETCH(QStringList, regions);

    const MapParseResult parsed = parseMap(str(map));
    QVERIFY2(parsed.ok(), parsed.errors.empty() ? "" : parsed.errors.front().message.c_str());
    const MapMatch m = matchMap(parsed.rules, str(device), str(kind), v4 ? MapDialect::V4 : MapDialect::V1);
    QCOMPARE(m.ruleIndex ? int(*m.ruleIndex) : -1, rule);
    QCOMPARE(m.patternIndex ? int(*m.patternIndex) : -1, pattern);
    QCOMPARE(m.ruleIndex ? toList(parsed.rules[*m.ruleIndex].regions) : QStringList(), regions);
    // One trail line per rule considered.
    QCOMPARE(int(m.trail.size()), rule < 0 ? int(parsed.rules.size()) : rule + 1);
}

void TestMapLang::nameMatchedPersists()
{
    bool nameMatched = false;
    // A '/kind' pattern with nothing before fails and leaves the flag alone.
    QVERIFY(!matchPattern("/a", "foo", "a", MapDialect::V1, nameMatched).matched);
    QVERIFY(!nameMatched);
    // A device match whose kind then fails still sets the flag ...
    QVERIFY(!matchPattern("foo/b", "foo", "a", MapDialect::V1, nameMatched).matched);
    QVERIFY(nameMatched);
    // ... which the next '/kind' pattern reuses ...
    const PatternVerdict v = matchPattern("/a", "foo", "a", MapDialect::V1, nameMatched);
    QVERIFY(v.matched);
    QVERIFY(v.why.find("previous") != std::string::npos);
    // ... and '/kind' patterns do not reset it.
    QVERIFY(!matchPattern("/zzz", "foo", "a", MapDialect::V1, nameMatched).matched);
    QVERIFY(nameMatched);
    // A device mismatch resets it.
    QVERIFY(!matchPattern("bar", "foo", "", MapDialect::V1, nameMatched).matched);
    QVERIFY(!nameMatched);
    QVERIFY(!matchPattern("/a", "foo", "a", MapDialect::V1, nameMatched).matched);
    // Reasons name the parts.
    bool nm = false;
    const PatternVerdict k = matchPattern("foo/quaz", "foo", "x", MapDialect::V1, nm);
    QVERIFY(k.why.find("kind 'x' does not match 'quaz'") != std::string::npos);
    const PatternVerdict nk = matchPattern("foo", "foo", "x", MapDialect::V1, nm);
    QVERIFY(nk.why.find("no kind part") != std::string::npos);
    const PatternVerdict t = matchPattern("foo/*", "foo", "", MapDialect::V4, nm);
    QVERIFY(t.why.find("type 'common' is not '*'") != std::string::npos);
}

// ---- parsing --------------------------------------------------------------------------------------------------

void TestMapLang::parseErrors_data()
{
    QTest::addColumn<QByteArray>("map");
    QTest::addColumn<int>("position");
    QTest::addColumn<QByteArray>("message");

    QTest::newRow("no =") << QByteArray("foo") << 3 << QByteArray("map: expecting '=' in rule 1 near \"foo\"");
    QTest::newRow("second rule no =") << QByteArray("foo=r1;bar") << 10
                                      << QByteArray("map: expecting '=' in rule 2 near \"bar\"");
    QTest::newRow("empty pattern list") << QByteArray("=r1") << 0 << QByteArray("map: empty pattern list in rule 1");
    QTest::newRow("blank pattern list") << QByteArray("a=b; =r1") << 5
                                        << QByteArray("map: empty pattern list in rule 2");
    QTest::newRow("lone ;") << QByteArray(";") << 0 << QByteArray("map: empty rule 1");
    QTest::newRow(";;") << QByteArray("a=b;;c=d") << 4 << QByteArray("map: empty rule 2");
}

void TestMapLang::parseErrors()
{
    QFETCH(QByteArray, map);
    QFETCH(int, position);
    QFETCH(QByteArray, message);
    const MapParseResult r = parseMap(str(map));
    QVERIFY(!r.ok());
    QCOMPARE(int(r.errors.front().position), position);
    const QByteArray got = QByteArray::fromStdString(r.errors.front().message);
    QVERIFY2(got.startsWith(message), got.constData());
}

void TestMapLang::parseValid_data()
{
    QTest::addColumn<QByteArray>("map");
    QTest::addColumn<int>("rules");
    QTest::addColumn<int>("warnings");
    QTest::addColumn<QStringList>("firstPatterns");
    QTest::addColumn<QStringList>("firstRegions");

    QTest::newRow("empty map") << QByteArray("") << 0 << 0 << QStringList() << QStringList();
    QTest::newRow("trailing ;") << QByteArray("foo=r1;") << 1 << 0 << L("foo") << L("r1");
    QTest::newRow("two rules") << QByteArray("video=v;camera=c") << 2 << 0 << L("video") << L("v");
    QTest::newRow("asterisk list") << QByteArray("foo=*") << 1 << 0 << L("foo") << L("*");
    QTest::newRow("asterisk mixed") << QByteArray("foo=a,*") << 1 << 0 << L("foo") << L("a,*");
    QTest::newRow("blanks (doc readability)")
        << QByteArray("baz?/a* , baz?/b* = r3") << 1 << 3 << L("baz?/a*,baz?/b*") << L("r3");
    QTest::newRow("blank after last ;") << QByteArray("a=b; ") << 1 << 1 << L("a") << L("b");
    QTest::newRow("empty pattern kept") << QByteArray("a,,b=r") << 1 << 0
                                        << QStringList({ QStringLiteral("a"), QString(), QStringLiteral("b") })
                                        << L("r");
    QTest::newRow("slash kind") << QByteArray("/quaz=r2") << 1 << 0 << L("/quaz") << L("r2");
    // What every 2010 kernel accepts after a rule's first '=' (issue 15): the region list as written.
    QTest::newRow("no region") << QByteArray("foo=") << 1 << 1 << L("foo") << QStringList();
    QTest::newRow("empty region name") << QByteArray("foo=a,,b") << 1 << 1 << L("foo")
                                       << QStringList({ QStringLiteral("a"), QString(), QStringLiteral("b") });
    QTest::newRow("trailing comma region")
        << QByteArray("foo=a,") << 1 << 1 << L("foo") << QStringList({ QStringLiteral("a"), QString() });
    QTest::newRow("second =") << QByteArray("foo=a=b") << 1 << 1 << L("foo") << QStringList({ QStringLiteral("a=b") });
}

void TestMapLang::parseValid()
{
    QFETCH(QByteArray, map);
    QFETCH(int, rules);
    QFETCH(int, warnings);
    QFETCH(QStringList, firstPatterns);
    QFETCH(QStringList, firstRegions);
    const MapParseResult r = parseMap(str(map));
    QVERIFY2(r.ok(), r.errors.empty() ? "" : r.errors.front().message.c_str());
    QCOMPARE(int(r.rules.size()), rules);
    QCOMPARE(int(r.warnings.size()), warnings);
    if (rules > 0) {
        QCOMPARE(toList(r.rules.front().patterns), firstPatterns);
        QCOMPARE(toList(r.rules.front().regions), firstRegions);
    }
}

void TestMapLang::ruleLimitWarning()
{
    std::string map;
    for (int i = 0; i < 64; ++i) {
        map += "d" + std::to_string(i) + "=r;";
    }
    MapParseResult r = parseMap(map);
    QVERIFY(r.ok());
    QCOMPARE(r.rules.size(), std::size_t(64));
    QVERIFY(r.warnings.empty());
    map += "d64=r";
    r = parseMap(map);
    QVERIFY(r.ok()); // a warning, not fatal
    QCOMPARE(r.rules.size(), std::size_t(65));
    QCOMPARE(r.warnings.size(), std::size_t(1));
    QVERIFY(r.warnings.front().message.find("64") != std::string::npos);
    QCOMPARE(r.warnings.front().position, map.size() - 5);
}

void TestMapLang::roundTrip_data()
{
    QTest::addColumn<QByteArray>("map");
    QTest::addColumn<QByteArray>("canonical");
    QTest::newRow("simple") << QByteArray("foo=r1") << QByteArray("foo=r1");
    QTest::newRow("trailing ;") << QByteArray("foo=r1;") << QByteArray("foo=r1");
    QTest::newRow("blanks") << QByteArray("baz?/a* , baz?/b* = r3") << QByteArray("baz?/a*,baz?/b*=r3");
    QTest::newRow("doc") << QByteArray("foo=r1;foo/quaz=r2;/quaz=r2;foo/*=r3;/*=r3;bar/*=r1,r2")
                         << QByteArray("foo=r1;foo/quaz=r2;/quaz=r2;foo/*=r3;/*=r3;bar/*=r1,r2");
    QTest::newRow("common") << QByteArray("video,camera=region;*=common") << QByteArray("video,camera=region;*=common");
    QTest::newRow("asterisk") << QByteArray("s3c-mfc5/f=fw;*=*") << QByteArray("s3c-mfc5/f=fw;*=*");
    QTest::newRow("empty pattern") << QByteArray("a,,b=r") << QByteArray("a,,b=r");
    QTest::newRow("trailing empty pattern") << QByteArray("a,=r") << QByteArray("a,=r");
    QTest::newRow("empty") << QByteArray("") << QByteArray("");
}

void TestMapLang::roundTrip()
{
    QFETCH(QByteArray, map);
    QFETCH(QByteArray, canonical);
    const MapParseResult r = parseMap(str(map));
    QVERIFY(r.ok());
    const std::string text = formatMap(r.rules);
    QCOMPARE(QByteArray::fromStdString(text), canonical);
    const MapParseResult again = parseMap(text);
    QVERIFY(again.ok());
    QVERIFY(again.warnings.empty());
    QVERIFY(again.rules == r.rules);
}

// ---- resolution -----------------------------------------------------------------------------------------------

void TestMapLang::resolve2010_data()
{
    QTest::addColumn<QByteArray>("map");
    QTest::addColumn<bool>("v4");
    QTest::addColumn<QByteArray>("device");
    QTest::addColumn<QByteArray>("kind");
    QTest::addColumn<QStringList>("regions");
    QTest::addColumn<bool>("asterisk");
    QTest::addColumn<QByteArray>("trail"); // a line that must appear; empty = not checked

    // Platform (see resolve2010): r1, r2 asterisk regions (declared in that order), v, c, p (private to video),
    // fw (carve-out).
    QTest::newRow("rule") << QByteArray("video=v;camera=c") << false << QByteArray("camera") << QByteArray() << L("c")
                          << false << QByteArray("rule #2 'camera=c': 'camera' matches");
    QTest::newRow("asterisk fallback") << QByteArray("video=v") << false << QByteArray("camera") << QByteArray()
                                       << L("r1,r2") << true << QByteArray("implicit '*/*=*'");
    QTest::newRow("asterisk list") << QByteArray("camera=*") << false << QByteArray("camera") << QByteArray()
                                   << L("r1,r2") << false << QByteArray("'*' expands to the asterisk regions: r1, r2");
    QTest::newRow("* expands in place") << QByteArray("camera=c,*") << false << QByteArray("camera") << QByteArray()
                                        << L("c,r1,r2") << false << QByteArray();
    QTest::newRow("* no duplicates") << QByteArray("camera=r2,*") << false << QByteArray("camera") << QByteArray()
                                     << L("r2,r1") << false << QByteArray("region 'r2' already listed");
    QTest::newRow("unknown region skipped")
        << QByteArray("camera=nope,c") << false << QByteArray("camera") << QByteArray() << L("c") << false
        << QByteArray("region 'nope' does not exist");
    QTest::newRow("private skipped") << QByteArray("*=p,c") << false << QByteArray("camera") << QByteArray() << L("c")
                                     << false << QByteArray("private to 'video'");
    QTest::newRow("private owner") << QByteArray("*=p,c") << false << QByteArray("video") << QByteArray() << L("p,c")
                                   << false << QByteArray();
    QTest::newRow("carve-out skipped") << QByteArray("*=fw,c") << false << QByteArray("video") << QByteArray() << L("c")
                                       << false << QByteArray("carve-out");
    QTest::newRow("kind goes to asterisk") << QByteArray("video=v") << false << QByteArray("video") << QByteArray("x")
                                           << L("r1,r2") << true << QByteArray("no kind part");
    QTest::newRow("v4: no match -> ENOENT")
        << QByteArray("video/x=v") << true << QByteArray("video") << QByteArray() << L("") << false << QByteArray();
    QTest::newRow("v4: explicit *=") << QByteArray("video/x=v;*=r2,r1") << true << QByteArray("tv") << QByteArray()
                                     << L("r2,r1") << false << QByteArray();
    QTest::newRow("v4: '*' is a region name") << QByteArray("tv=*") << true << QByteArray("tv") << QByteArray() << L("")
                                              << false << QByteArray("region '*' does not exist");
}

void TestMapLang::resolve2010()
{
    QFETCH(QByteArray, map);
    QFETCH(bool, v4);
    QFETCH(QByteArray, device);
    QFETCH(QByteArray, kind);
    QFETCH(QStringList, regions);
    QFETCH(bool, asterisk);
    QFETCH(QByteArray, trail);

    Platform p;
    p.regions = { region("r1", true), region("r2", true), region("v"), region("c"), region("p"), region("fw") };
    p.regions[4].privateTo = "video";
    p.regions[5].type = RegionType::Carveout;
    const MapParseResult parsed = parseMap(str(map));
    QVERIFY(parsed.ok());
    p.rules = parsed.rules;
    const MapResolution res = resolveRegions(
        p, str(device), str(kind), 1 * MiB, MapOptions::forDialect(v4 ? MapDialect::V4 : MapDialect::V1));
    QCOMPARE(toList(res.regions), regions);
    QCOMPARE(res.asteriskFallback, asterisk);
    QVERIFY(!res.summary.empty());
    if (!trail.isEmpty()) {
        QVERIFY2(trailContains(res.trail, trail), joined(res.trail).c_str());
    }
}

void TestMapLang::resolve2010Explains()
{
    // The MFC board of docs/cma2010.md#asterisk-regions-and-board-code: fw, b1 (asterisk), b2 (asterisk).
    Platform p;
    p.regions = { region("fw"), region("b1", true), region("b2", true) };
    p.rules = parseMap("s3c-mfc5/f=fw;s3c-mfc5/a=b1;s3c-mfc5/b=b2").rules;

    MapResolution res = resolveRegions(p, "s3c-mfc5", "b", 64 * KiB);
    QCOMPARE(toList(res.regions), L("b2"));
    QCOMPARE(res.ruleIndex.value_or(99), std::size_t(2));
    QCOMPARE(res.patternIndex.value_or(99), std::size_t(0));
    QCOMPARE(QByteArray::fromStdString(res.ruleText), QByteArray("s3c-mfc5/b=b2"));
    QCOMPARE(QByteArray::fromStdString(res.patternText), QByteArray("s3c-mfc5/b"));
    QCOMPARE(res.trail.size(), std::size_t(3)); // one line per rule considered
    QVERIFY2(res.trail[0].find("kind 'b' does not match 'f'") != std::string::npos, res.trail[0].c_str());
    QVERIFY(res.summary.find("rule #3") != std::string::npos);

    // No kind: no rule matches, the asterisk regions are used (v3).
    res = resolveRegions(p, "s3c-mfc5", "", 64 * KiB);
    QVERIFY(!res.ruleIndex);
    QVERIFY(res.asteriskFallback);
    QCOMPARE(toList(res.regions), L("b1,b2"));
    QCOMPARE(res.trail.size(), std::size_t(5)); // 3 rules + the asterisk line + its expansion
    // Device without a name: -EINVAL.
    res = resolveRegions(p, "", "", 64 * KiB);
    QVERIFY(res.regions.empty());
    QVERIFY(res.summary.find("-EINVAL") != std::string::npos);
    // No asterisk regions at all: nothing.
    p.regions[1].asterisk = p.regions[2].asterisk = false;
    res = resolveRegions(p, "other", "", 64 * KiB);
    QVERIFY(res.regions.empty());
    QVERIFY(trailContains(res.trail, "no asterisk regions declared"));
    QVERIFY(res.summary.find("-ENOMEM") != std::string::npos);
}

void TestMapLang::resolveModern_data()
{
    QTest::addColumn<QByteArray>("device");
    QTest::addColumn<quint64>("size");
    QTest::addColumn<QStringList>("regions");
    QTest::addColumn<QByteArray>("trail");

    QTest::newRow("device area") << QByteArray("codec") << quint64(MiB) << L("vcodec") << QByteArray("no fallback");
    QTest::newRow("device area even for one page")
        << QByteArray("codec") << quint64(4096) << L("vcodec") << QByteArray();
    QTest::newRow("single page") << QByteArray("gpu") << quint64(4096) << L("")
                                 << QByteArray("single pages never come from CMA");
    QTest::newRow("below a page") << QByteArray("gpu") << quint64(100) << L("") << QByteArray("single pages");
    QTest::newRow("two pages: numa then default") << QByteArray("gpu") << quint64(8192) << L("pernuma1,reserved")
                                                  << QByteArray("per-NUMA area 'pernuma1' of node 1");
    QTest::newRow("dma32 skips numa") << QByteArray("dma32") << quint64(MiB) << L("reserved")
                                      << QByteArray("per-NUMA areas skipped");
    QTest::newRow("undeclared device") << QByteArray("ghost") << quint64(MiB) << L("pernuma0,reserved")
                                       << QByteArray("not declared");
    QTest::newRow("carve-out memory-region")
        << QByteArray("fwdev") << quint64(MiB) << L("pernuma0,reserved") << QByteArray("carve-out");
    QTest::newRow("missing memory-region")
        << QByteArray("broken") << quint64(MiB) << L("pernuma0,reserved") << QByteArray("does not exist");
    QTest::newRow("private numa area skipped")
        << QByteArray("node2") << quint64(MiB) << L("reserved") << QByteArray("private to 'gpu'");
    QTest::newRow("private numa area owner")
        << QByteArray("gpu") << quint64(MiB) << L("pernuma1,reserved") << QByteArray();
    QTest::newRow("device area private to other")
        << QByteArray("thief") << quint64(MiB) << L("") << QByteArray("private to 'codec'");
}

void TestMapLang::resolveModern()
{
    QFETCH(QByteArray, device);
    QFETCH(quint64, size);
    QFETCH(QStringList, regions);
    QFETCH(QByteArray, trail);

    Platform p;
    p.mapMode = MapMode::Modern;
    p.regions = { region("pernuma0"), region("reserved"), region("pernuma1"), region("vcodec"), region("fw"),
        region("pernuma2") };
    p.regions[0].numaNode = 0;
    p.regions[1].isDefault = true;
    p.regions[2].numaNode = 1;
    p.regions[3].privateTo = "codec";
    p.regions[4].type = RegionType::Carveout;
    p.regions[5].numaNode = 2;
    p.regions[5].privateTo = "gpu";
    Device codec { "codec", 0, 64, { "vcodec", "fw" }, { "buffers", "firmware" } };
    Device gpu { "gpu", 1, 64, {}, {} };
    Device dma32 { "dma32", 1, 32, {}, {} };
    Device fwdev { "fwdev", 0, 64, { "fw" }, {} };
    Device broken { "broken", 0, 64, { "missing" }, {} };
    Device node2 { "node2", 2, 64, {}, {} };
    Device thief { "thief", 0, 64, { "vcodec" }, {} };
    p.devices = { codec, gpu, dma32, fwdev, broken, node2, thief };
    // The map is ignored in modern mode.
    p.rules = parseMap("*/*=fw").rules;

    const MapResolution res = resolveRegions(p, str(device), "ignored", size);
    QCOMPARE(toList(res.regions), regions);
    QVERIFY(!res.ruleIndex);
    QVERIFY(!res.summary.empty());
    if (!trail.isEmpty()) {
        QVERIFY2(trailContains(res.trail, trail), joined(res.trail).c_str());
    }
}

QTEST_GUILESS_MAIN(TestMapLang)
#include "tst_maplang.moc"
