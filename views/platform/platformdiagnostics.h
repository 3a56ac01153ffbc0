// SPDX-License-Identifier: GPL-2.0-or-later
// The validation messages of the platform editor: validate() plus placement failures of the document's
// placed platform, one row each, with the table cells each message concerns.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/validation/validation.h>

#include <QAbstractListModel>

#include <optional>
#include <string_view>
#include <vector>

namespace cmascope::views {

class Document;

/// The validation messages of the document's placed platform (validate() plus placement failures), one row
/// each, and the table cells every message concerns.
class PlatformDiagnostics : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        PathRole = Qt::UserRole + 1, ///< QString: "regions[2].size"
        SeverityRole, ///< int(Severity)
        CheckRole, ///< QString: id of the check ("region-overlap", "placement")
        ItemRole, ///< QString: name of the item concerned
    };

    /// A cell a diagnostic concerns: the collection ("regions"), the row and the field ("size"; empty = the
    /// item as a whole).
    struct Target
    {
        QString collection;
        int row = -1;
        QString field;
        bool operator==(const Target&) const = default;
    };
    struct Entry
    {
        Diagnostic diagnostic;
        std::vector<Target> targets; ///< first: from the path; then items the message names (the other
                                     ///< region of an overlap, the first of two equal names)
    };

    explicit PlatformDiagnostics(Document* document, QObject* parent = nullptr);

    const std::vector<Entry>& entries() const { return m_entries; }
    int count(Severity severity) const;
    /// "2 errors, 1 warning" or "No problems".
    QString summary() const;

    /// Splits a validation path: "regions[2].size" -> {regions, 2, size}; "rules[1].patterns[0]" ->
    /// {rules, 1, patterns}; "pageSize" or "banks" (no index) -> nullopt.
    static std::optional<Target> parsePath(std::string_view path);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    /// Emitted after the messages were recomputed for a changed project.
    void refreshed();

private:
    void refresh();
    Document* m_doc;
    std::vector<Entry> m_entries;
};

} // namespace cmascope::views
