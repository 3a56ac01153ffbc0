// SPDX-License-Identifier: GPL-2.0-or-later
// Explains one allocation request: which map rule matched, which regions were tried in which order,
// and for each why it refused (needed, free, largest aligned hole, pinned pages, extfrag verdict).
#pragma once

#include <QWidget>

#include <optional>

class QTextBrowser;

namespace cmascope::views {

class Document;

class FailureInspector : public QWidget
{
    Q_OBJECT
public:
    explicit FailureInspector(Document* document, QWidget* parent = nullptr);

    /// Shows the explanation of step @p step (an allocation request).
    void inspect(std::size_t step);
    std::optional<std::size_t> inspectedStep() const { return m_step; }
    /// The text shown, as plain text (tests, copy).
    QString plainText() const;

private:
    void followPosition();
    Document* m_doc;
    QTextBrowser* m_view = nullptr;
    std::optional<std::size_t> m_step;
};

} // namespace cmascope::views
