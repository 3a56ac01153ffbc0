// SPDX-License-Identifier: GPL-2.0-or-later
// cmascope-cli convert TRACE [--json] [-o FILE] [--quiet]
#include "common.h"

#include <cmascope/trace/reader.h>
#include <cmascope/trace/textwriter.h>

#include <QSaveFile>

#include <iostream>
#include <unistd.h>

namespace cmascope::cli {

namespace {
struct ConvertCommandLine
{
    CommandParser parser;
    const QCommandLineOption output = outputOption(QStringLiteral("the events"));
    const QCommandLineOption json =
        jsonOption(QStringLiteral("the events, one JSON object per line (line, time_ns, cpu, task, event, fields)"));
    const QCommandLineOption quiet =
        quietOption(QStringLiteral("the events: no malformed lines or summary on standard error"));

    explicit ConvertCommandLine(const QStringList& args)
    {
        beginCommand(parser, "convert",
            QStringLiteral("Read a kernel CMA trace in any form cmascope reads (ftrace text, trace_pipe, trace-cmd "
                           "report, trace.dat, Perfetto; gzip/zstd) and write its CMA events and markers, one per "
                           "line, as trace_pipe text (which every cmascope command reads back as the same events) or, "
                           "with --json, as JSON lines for grep, jq and other tools. The file is read in one "
                           "streaming pass: memory does not grow with the trace. Lines that cannot be read are listed "
                           "on standard error. Exit status 0 when converted, 2 when the trace cannot be read."));
        parser.addPositionalArgument(QStringLiteral("TRACE"), QStringLiteral("Trace file."));
        parser.addOptions({ output, json, quiet });
        parser.process(args);
    }
};

/// Where the lines go: standard output, or -o FILE written through a QSaveFile (renamed over FILE at the end, so
/// a failed conversion leaves an existing FILE as it was).
class LineSink
{
public:
    explicit LineSink(const QString& path)
        : m_file(path)
    { }
    bool open() { return m_file.fileName().isEmpty() || m_file.open(QIODevice::WriteOnly); }
    void write(const std::string& line)
    {
        m_pending += line;
        m_pending += '\n';
        if (m_pending.size() >= (1u << 20))
            flush();
    }
    bool flush()
    {
        if (m_file.fileName().isEmpty())
            std::cout << m_pending;
        else if (m_file.write(m_pending.data(), qint64(m_pending.size())) != qint64(m_pending.size()))
            m_ok = false;
        m_pending.clear();
        return m_ok;
    }
    bool commit()
    {
        if (!flush())
            return false;
        if (m_file.fileName().isEmpty()) {
            std::cout << std::flush;
            return bool(std::cout);
        }
        return m_file.commit();
    }
    QString errorString() const { return m_file.errorString(); }

private:
    QSaveFile m_file;
    std::string m_pending;
    bool m_ok = true;
};
} // namespace

int runConvert(const QStringList& args)
{
    const ConvertCommandLine cl(args);
    const auto operand = singleOperand(cl.parser, "convert", "TRACE file");
    if (!operand)
        return kExitUsage;
    const bool asJson = cl.parser.isSet(cl.json);
    const bool quiet = cl.parser.isSet(cl.quiet);
    LineSink sink(cl.parser.value(cl.output));
    if (!sink.open()) {
        std::cerr << "cmascope-cli convert: " << cl.parser.value(cl.output).toStdString() << ": "
                  << sink.errorString().toStdString() << '\n';
        return kExitUsage;
    }
    std::uint64_t written = 0;
    TraceReadOptions options;
    options.consumer = [&](TraceData& data) { // streaming: each block's events written, then dropped
        for (const TraceEvent& e : data.events)
            sink.write(asJson ? traceEventJson(data, e) : traceEventText(data, e));
        written += data.events.size();
        data.events.clear();
        return true;
    };
    // no progress between the lines of a terminal that shows the events themselves
    const bool eventsOnTerminal = cl.parser.value(cl.output).isEmpty() && ::isatty(STDOUT_FILENO) == 1;
    TerminalProgress progress("convert", quiet || eventsOnTerminal);
    const TraceReadResult read = readTrace(*operand, options, progress.progress());
    progress.done();
    if (read.status == ReadStatus::Failed) {
        std::cerr << "cmascope-cli convert: " << read.error << '\n';
        return kExitUsage;
    }
    if (!quiet)
        for (const TraceError& e : read.data.errors)
            std::cerr << formatTraceError(read.data, e) << '\n';
    if (!sink.commit()) {
        std::cerr << "cmascope-cli convert: " << cl.parser.value(cl.output).toStdString() << ": "
                  << sink.errorString().toStdString() << '\n';
        return kExitUsage;
    }
    if (!quiet)
        std::cerr << *operand << ": " << written << " events converted, " << read.data.errorCount
                  << " malformed lines left out" << (read.data.lostEvents ? ", the kernel lost " : "")
                  << (read.data.lostEvents ? std::to_string(read.data.lostEvents) + " events" : std::string()) << '\n';
    return kExitOk;
}

} // namespace cmascope::cli
