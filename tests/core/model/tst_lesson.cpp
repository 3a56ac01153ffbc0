// SPDX-License-Identifier: GPL-2.0-or-later
// A scenario's lesson in the project file (docs/lessons.md): read, written back unchanged, bad input named by
// its JSON path; the description shown as the introduction when there is no lesson.
#include <cmascope/model/lesson.h>
#include <cmascope/model/lessonedit.h>
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
    void notesFollowStepEdits_data();
    void notesFollowStepEdits();
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

void TestLesson::notesFollowStepEdits_data()
{
    // Notes on steps 2, 5 and 8 (named after their steps); after the edit, the steps they are on.
    QTest::addColumn<QString>("edit");
    QTest::addColumn<QList<int>>("steps");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("insert before a note")
        << QStringLiteral("insert 5") << QList<int> { 2, 6, 9 }
        << QStringList { QStringLiteral("n2"), QStringLiteral("n5"), QStringLiteral("n8") };
    QTest::newRow("insert 3 at the end") << QStringLiteral("insert 9 3") << QList<int> { 2, 5, 8 }
                                         << QStringList { QStringLiteral("n2"), QStringLiteral("n5"),
                                                QStringLiteral("n8") };
    QTest::newRow("remove a noted step") << QStringLiteral("remove 5") << QList<int> { 2, 7 }
                                         << QStringList { QStringLiteral("n2"), QStringLiteral("n8") };
    QTest::newRow("remove around") << QStringLiteral("remove 0 5 3") << QList<int> { 1, 5 }
                                   << QStringList { QStringLiteral("n2"), QStringLiteral("n8") };
    QTest::newRow("swap a note down") << QStringLiteral("swap 5 6") << QList<int> { 2, 6, 8 }
                                      << QStringList { QStringLiteral("n2"), QStringLiteral("n5"),
                                             QStringLiteral("n8") };
    QTest::newRow("swap past another") << QStringLiteral("swap 2 9") << QList<int> { 5, 8, 9 }
                                       << QStringList { QStringLiteral("n5"), QStringLiteral("n8"),
                                              QStringLiteral("n2") };
    QTest::newRow("truncate") << QStringLiteral("truncate 8") << QList<int> { 2, 5 }
                              << QStringList { QStringLiteral("n2"), QStringLiteral("n5") };
}

void TestLesson::notesFollowStepEdits()
{
    QFETCH(QString, edit);
    QFETCH(QList<int>, steps);
    QFETCH(QStringList, names);
    Lesson l;
    for (std::size_t s : { 2, 5, 8 })
        l.notes.push_back({ s, "n" + std::to_string(s), {}, {} });
    const QStringList words = edit.split(QLatin1Char(' '));
    std::vector<std::size_t> args;
    for (qsizetype i = 1; i < words.size(); ++i)
        args.push_back(words[i].toULongLong());
    if (words[0] == QLatin1String("insert"))
        lessonStepsInserted(l, args[0], args.size() > 1 ? args[1] : 1);
    else if (words[0] == QLatin1String("remove"))
        lessonStepsRemoved(l, args);
    else if (words[0] == QLatin1String("swap"))
        lessonStepsSwapped(l, args[0], args[1]);
    else
        lessonStepsTruncated(l, args[0]);
    QList<int> gotSteps;
    QStringList gotNames;
    for (const auto& n : l.notes) {
        gotSteps << int(n.step);
        gotNames << QString::fromStdString(n.note);
    }
    QCOMPARE(gotSteps, steps);
    QCOMPARE(gotNames, names);
}

QTEST_GUILESS_MAIN(TestLesson)
#include "tst_lesson.moc"
