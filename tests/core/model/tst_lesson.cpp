// SPDX-License-Identifier: GPL-2.0-or-later
// A scenario's lesson in the project file (docs/lessons.md): read, written back unchanged, bad input named by
// its JSON path; the description shown as the introduction when there is no lesson.
#include <cmascope/model/lesson.h>
#include <cmascope/model/project.h>

#include <QTest>

using namespace cmascope;

class TestLesson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsAndRoundTrips();
    void writtenOnlyWhenPresent();
    void badInput_data();
    void badInput();
    void descriptionIsTheIntroduction();
    void findsNotes();
};

namespace {

/// A three-step scenario with @p lesson (JSON text, empty = none) and @p extra keys before it.
std::string project(const std::string& lesson, const std::string& extra = {})
{
    std::string text = R"({"format":"cmascope-project","version":1,"platform":{"name":"x",
        "banks":[{"name":"ram","base":"0x40000000","size":"256M"}],
        "regions":[{"name":"r","size":"16M","default":true}],"devices":[{"name":"mfc"}]},
      "scenarios":[{"name":"s",)"
        + extra + R"("steps":[{"op":"phase","text":"HD decode"},
        {"op":"alloc","device":"mfc","size":"4M","label":"a"},{"op":"free","label":"a"}])";
    if (!lesson.empty())
        text += R"(,"lesson":)" + lesson;
    return text + "}]}";
}

const char* const kLesson = R"({"title":"Sharing a region",
  "introduction":"Two phases share one region.\n\nWatch the map.",
  "notes":[{"step":2,"note":"The buffer goes back.","question":"Where?","answer":"To r."},
           {"step":1,"note":"MFC asks for 4 MiB."}]})";

} // namespace

void TestLesson::readsAndRoundTrips()
{
    const auto first = parseProject(project(kLesson));
    QVERIFY2(first.ok(), first.errorText().c_str());
    QVERIFY(first.messages.empty());
    const auto& lesson = first.project->scenarios.at(0).lesson;
    QVERIFY(lesson.has_value());
    QCOMPARE(lesson->title, std::string("Sharing a region"));
    QCOMPARE(lesson->introduction, std::string("Two phases share one region.\n\nWatch the map."));
    QCOMPARE(lesson->notes.size(), std::size_t(2));
    // Sorted by step whatever the file's order.
    QCOMPARE(lesson->notes[0].step, std::size_t(1));
    QVERIFY(lesson->notes[0].question.empty());
    QCOMPARE(lesson->notes[1].step, std::size_t(2));
    QCOMPARE(lesson->notes[1].question, std::string("Where?"));
    QCOMPARE(lesson->notes[1].answer, std::string("To r."));

    const auto second = parseProject(serializeProject(*first.project));
    QVERIFY2(second.ok(), second.errorText().c_str());
    QVERIFY(second.project->scenarios.at(0).lesson == lesson);
    QCOMPARE(serializeProject(*second.project), serializeProject(*first.project));
}

void TestLesson::writtenOnlyWhenPresent()
{
    const auto none = parseProject(project({}));
    QVERIFY2(none.ok(), none.errorText().c_str());
    QVERIFY(!none.project->scenarios[0].lesson);
    QVERIFY(serializeProject(*none.project).find("\"lesson\"") == std::string::npos);
    // An empty lesson object is still a lesson (a teacher's file being written) and stays one.
    const auto empty = parseProject(project("{}"));
    QVERIFY2(empty.ok(), empty.errorText().c_str());
    QVERIFY(empty.project->scenarios[0].lesson);
    QVERIFY(serializeProject(*empty.project).find("\"lesson\"") != std::string::npos);
}

void TestLesson::badInput_data()
{
    QTest::addColumn<QString>("lesson");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not an object") << QStringLiteral(R"("read me")")
                                   << QStringLiteral("scenarios[0].lesson: must be an object");
    QTest::newRow("title a number") << QStringLiteral(R"({"title":3})")
                                    << QStringLiteral("scenarios[0].lesson.title: must be a string");
    QTest::newRow("notes not a list") << QStringLiteral(R"({"notes":{}})")
                                      << QStringLiteral("scenarios[0].lesson.notes: must be an array");
    QTest::newRow("step beyond the scenario")
        << QStringLiteral(R"({"notes":[{"step":0,"note":"a"},{"step":3,"note":"b"}]})")
        << QStringLiteral("scenarios[0].lesson.notes[1].step: step 3 does not exist (the scenario has 3 steps");
    QTest::newRow("negative step") << QStringLiteral(R"({"notes":[{"step":-1,"note":"a"}]})")
                                   << QStringLiteral("scenarios[0].lesson.notes[0].step: must be a step number");
    QTest::newRow("step as text") << QStringLiteral(R"({"notes":[{"step":"2","note":"a"}]})")
                                  << QStringLiteral("scenarios[0].lesson.notes[0].step: must be a step number");
    QTest::newRow("no step") << QStringLiteral(R"({"notes":[{"note":"a"}]})")
                             << QStringLiteral("scenarios[0].lesson.notes[0].step: is required");
    QTest::newRow("no note") << QStringLiteral(R"({"notes":[{"step":1}]})")
                             << QStringLiteral("scenarios[0].lesson.notes[0].note: is required");
    QTest::newRow("two notes on a step") << QStringLiteral(R"({"notes":[{"step":1,"note":"a"},{"step":1,"note":"b"}]})")
                                         << QStringLiteral(
                                                "scenarios[0].lesson.notes[1].step: step 1 already has a note");
    QTest::newRow("question a number") << QStringLiteral(R"({"notes":[{"step":1,"note":"a","question":7}]})")
                                       << QStringLiteral("scenarios[0].lesson.notes[0].question: must be a string");
}

void TestLesson::badInput()
{
    QFETCH(QString, lesson);
    QFETCH(QString, expected);
    const auto r = parseProject(project(lesson.toStdString()));
    QVERIFY(!r.ok()); // never half-loaded
    const QString text = QString::fromStdString(r.errorText());
    QVERIFY2(text.contains(expected), qPrintable(text));
}

void TestLesson::descriptionIsTheIntroduction()
{
    const auto described = parseProject(project({}, R"("description":"Decode, then a video call.",)"));
    QVERIFY2(described.ok(), described.errorText().c_str());
    const auto shown = shownLesson(described.project->scenarios[0]);
    QVERIFY(shown);
    QCOMPARE(shown->title, std::string("s"));
    QCOMPARE(shown->introduction, std::string("Decode, then a video call."));
    QVERIFY(shown->notes.empty());
    // A lesson of its own wins over the description.
    const auto both = parseProject(project(kLesson, R"("description":"Decode, then a video call.",)"));
    QVERIFY2(both.ok(), both.errorText().c_str());
    QCOMPARE(shownLesson(both.project->scenarios[0])->title, std::string("Sharing a region"));
    // Neither: nothing to show.
    const auto bare = parseProject(project({}));
    QVERIFY(!shownLesson(bare.project->scenarios[0]));
}

void TestLesson::findsNotes()
{
    const auto r = parseProject(project(kLesson));
    QVERIFY2(r.ok(), r.errorText().c_str());
    const Lesson& l = *r.project->scenarios[0].lesson;
    QVERIFY(!l.noteAt(0));
    QCOMPARE(l.noteAt(2)->note, std::string("The buffer goes back."));
    QCOMPARE(l.nextNote(std::nullopt)->step, std::size_t(1));
    QCOMPARE(l.nextNote(std::size_t(0))->step, std::size_t(1));
    QCOMPARE(l.nextNote(std::size_t(1))->step, std::size_t(2));
    QVERIFY(!l.nextNote(std::size_t(2)));
    QCOMPARE(l.previousNote(2)->step, std::size_t(1));
    QVERIFY(!l.previousNote(1));
}

QTEST_GUILESS_MAIN(TestLesson)
#include "tst_lesson.moc"
