// SPDX-License-Identifier: GPL-2.0-or-later
// Item models of the platform editor: one editable table per collection of the platform (banks, regions,
// devices, kinds, map rules) and a list of the validation messages. Every edit is one undoable
// Document::editPlatform(); the tables follow Document::projectChanged (undo/redo included) with the finest
// row signals they can infer (insert, remove, move, change), so views keep their selection.
#pragma once

#include <cmascope/model/platform.h>
#include <cmascope/validation/validation.h>

#include <QAbstractListModel>
#include <QAbstractTableModel>
#include <QStringList>

#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace cmascope::views {

class Document;

// ---- cell input ----------------------------------------------------------------------------------------

/// Parsers of cell input. Each returns the value, or nullopt with a sentence saying why in @p error.
namespace cellinput {
/// Kernel memparse() syntax, the whole text: "64M", "0x4000000", "1536K", "4096". Empty is an error unless
/// @p emptyIsZero (optional sizes such as alignment and limit, where 0 means "default" / "none").
std::optional<quint64> parseSize(const QString& text, QString* error, bool emptyIsZero = false);
/// Physical address in memparse() syntax ("0x40000000", "1G").
std::optional<quint64> parseAddress(const QString& text, QString* error, bool emptyIsZero = false);
/// "yes"/"no", "true"/"false", "on"/"off", "1"/"0", "x"/"" (case-insensitive).
std::optional<bool> parseBool(const QString& text, QString* error);
/// A policy id ("kernel", "bf", "first-fit", ...) or its display name.
std::optional<PolicyKind> parsePolicy(const QString& text, QString* error);
/// An integer in [@p min, @p max]; @p noneValue is also accepted spelled "none" or "" when given.
std::optional<int> parseInt(const QString& text, int min, int max, QString* error, std::optional<int> noneValue = {});
/// "4K", "16K" or "64K" (any memparse spelling of those values).
std::optional<std::uint32_t> parsePageSize(const QString& text, QString* error);
/// A comma-separated list of names, blanks around names dropped; empty text is an empty list.
/// Empty names ("a,,b") are an error.
std::optional<std::vector<std::string>> parseNameList(const QString& text, QString* error);

/// Spellings shared by the models. Sizes and addresses are shown as the whole program shows them
/// (cmascope/util/units.h); a size cell is edited in the memparse() syntax a kernel command line takes.
QString sizeInput(quint64 bytes); ///< the edit text of a size cell, formatSize(): "64M", "1536K", "4097"
QString addressText(quint64 address); ///< hexText(): "0x40000000"
QString humanSize(quint64 bytes); ///< sizeText(): "64 MiB", "1.5 MiB", "4097 bytes"
QString traceTimeText(quint64 ns); ///< like ftrace: seconds with microseconds, "12.345678"
QString regionTypeText(RegionType type); ///< "cma", "carve-out"
QString placementText(Placement placement); ///< "fixed", "dynamic"
} // namespace cellinput

// ---- diagnostics ---------------------------------------------------------------------------------------

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

// ---- tables --------------------------------------------------------------------------------------------

/// Common part of the five tables: roles for the delegate, validation marks, undoable add/remove/move.
class PlatformTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role {
        EditorRole = Qt::UserRole + 1, ///< int(EditorKind): how the cell is edited
        ChoicesRole, ///< QStringList: the values a Choice cell offers
        MinimumRole, ///< int: lowest value of an Integer cell
        MaximumRole, ///< int: highest value of an Integer cell
        NoneTextRole, ///< QString: how an Integer cell spells its minimum when that means "none" ("" = no such)
        DiagnosticsRole, ///< QStringList: validation messages on this cell
        SeverityRole, ///< int(Severity) of the worst message on this cell, or -1
        FieldRole, ///< QString: the platform field of the column, as in validation paths ("size")
        PlaceholderRole, ///< QString: an example of valid input ("64M", "0x40000000")
    };
    enum class EditorKind { None, Text, Size, Address, Integer, Choice, Check };

    /// @p diagnostics may be null: then nothing is marked and the model follows projectChanged itself.
    PlatformTableModel(Document* document, PlatformDiagnostics* diagnostics, QObject* parent = nullptr);

    Document* document() const { return m_doc; }
    /// The collection as named in validation paths: "banks", "regions", "devices", "kinds", "rules".
    virtual QString collection() const = 0;
    /// "bank", "region", "device", "kind", "rule" (for undo texts).
    virtual QString singular() const = 0;
    /// Short name of a row for messages: the item's name, or the rule text.
    virtual QString itemLabel(int row) const = 0;
    /// The column showing @p field of @p row ("" = the item as a whole), or -1.
    virtual int columnForField(int row, const QString& field) const = 0;
    /// Row order matters (regions: placement and asterisk order; rules: first match wins).
    virtual bool isOrdered() const { return false; }

    /// Adds a fresh item (unique name, sensible defaults) before @p row (-1 or past the end: at the end).
    /// Returns its row, or -1 with lastError() set.
    int addItem(int row = -1);
    bool removeItem(int row);
    /// Moves @p row by @p delta (-1 up, +1 down).
    bool moveItem(int row, int delta);
    /// Why the last setData() / addItem() / removeItem() / moveItem() was refused; empty after success.
    QString lastError() const { return m_lastError; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    /// Structural edits as the generic model API: each is one undoable edit (count must be 1).
    bool insertRows(int row, int count, const QModelIndex& parent = {}) override;
    bool removeRows(int row, int count, const QModelIndex& parent = {}) override;
    bool moveRows(const QModelIndex& sourceParent, int sourceRow, int count, const QModelIndex& destinationParent,
        int destinationChild) override;

Q_SIGNALS:
    /// An edit was refused: @p reason says why (the platform is unchanged, nothing was pushed).
    void editRejected(const QModelIndex& index, const QString& reason);

protected:
    struct Column
    {
        QString title;
        QString field; ///< as in validation paths; empty = not a platform field
        EditorKind editor = EditorKind::Text;
        QString tip; ///< header tooltip
        QString noun = {}; ///< for undo texts ("size"); empty = the title in lower case
    };
    /// Columns, set by the subclass constructor.
    void setColumns(std::vector<Column> columns) { m_columns = std::move(columns); }
    const Column& column(int c) const { return m_columns[std::size_t(c)]; }
    const Platform& platform() const;

    virtual int itemCount() const = 0;
    /// Display, Edit, CheckState, ToolTip (without diagnostics), Foreground, Choices, range roles of a cell.
    virtual QVariant cellData(int row, int column, int role) const = 0;
    /// Applies @p value (EditRole text or CheckStateRole) to @p p; returns an error sentence or an empty
    /// string. @p what may be changed from the default "Change <column> of <singular> <label>".
    virtual QString assign(Platform& p, int row, int column, const QVariant& value, QString& what) const = 0;
    /// Inserts a fresh item at @p row; returns its label.
    virtual QString insertFresh(Platform& p, int row) const = 0;
    virtual void eraseItem(Platform& p, int row) const = 0;
    virtual void swapItems(Platform& p, int a, int b) const = 0;
    /// Compares the items shown with the document's and emits the row signals; updates the copy shown.
    virtual void syncRows() = 0;

    /// Emits the finest row signals (insert, remove, move of one row; else reset) that turn @p shown into
    /// @p now, and makes @p shown a copy of @p now.
    template <typename T> void syncVector(std::vector<T>& shown, const std::vector<T>& now);

    /// Builds the rows and marks; called once by each subclass constructor.
    void initialize();
    QString reject(const QModelIndex& index, const QString& reason);
    /// Pushes @p p as one edit named @p what (no-op when equal to the current platform).
    void commit(const Platform& p, const QString& what);

private:
    void refresh();
    void rebuildMarks();

    Document* m_doc;
    PlatformDiagnostics* m_diagnostics;
    std::vector<Column> m_columns;
    /// (row, column) -> indices into m_diagnostics->entries()
    std::map<std::pair<int, int>, std::vector<std::size_t>> m_marks;
    QString m_lastError;
};

class BankTableModel : public PlatformTableModel
{
    Q_OBJECT
public:
    enum ColumnId { Name, Base, Size, NumaNode, ColumnCount };
    explicit BankTableModel(Document* document, PlatformDiagnostics* diagnostics = nullptr, QObject* parent = nullptr);
    QString collection() const override { return QStringLiteral("banks"); }
    QString singular() const override { return tr("bank"); }
    QString itemLabel(int row) const override;
    int columnForField(int row, const QString& field) const override;
    int columnCount(const QModelIndex& parent = {}) const override;

protected:
    int itemCount() const override { return int(m_shown.size()); }
    QVariant cellData(int row, int column, int role) const override;
    QString assign(Platform& p, int row, int column, const QVariant& value, QString& what) const override;
    QString insertFresh(Platform& p, int row) const override;
    void eraseItem(Platform& p, int row) const override;
    void swapItems(Platform& p, int a, int b) const override;
    void syncRows() override;

private:
    std::vector<Bank> m_shown;
};

class RegionTableModel : public PlatformTableModel
{
    Q_OBJECT
public:
    enum ColumnId {
        Name,
        Type,
        Size,
        Placement,
        Start,
        Alignment,
        Limit,
        PageSize,
        Policy,
        OrderPerBit,
        Default,
        Asterisk,
        PrivateTo,
        NumaNode,
        PlacedAt,
        ColumnCount
    };
    explicit RegionTableModel(
        Document* document, PlatformDiagnostics* diagnostics = nullptr, QObject* parent = nullptr);
    QString collection() const override { return QStringLiteral("regions"); }
    QString singular() const override { return tr("region"); }
    QString itemLabel(int row) const override;
    int columnForField(int row, const QString& field) const override;
    bool isOrdered() const override { return true; }
    int columnCount(const QModelIndex& parent = {}) const override;

    /// Adds a fixed CMA region over [base, base + size), snapped inward to what the kernel accepts: the start
    /// rounded up to the minimum CMA alignment, the end down to a page. Returns the new row, or -1 with
    /// lastError() set (nothing left after snapping, or the range overflows).
    int addFixedRegion(quint64 base, quint64 size);

protected:
    int itemCount() const override { return int(m_shown.size()); }
    QVariant cellData(int row, int column, int role) const override;
    QString assign(Platform& p, int row, int column, const QVariant& value, QString& what) const override;
    QString insertFresh(Platform& p, int row) const override;
    void eraseItem(Platform& p, int row) const override;
    void swapItems(Platform& p, int a, int b) const override;
    void syncRows() override;

private:
    std::vector<Region> m_shown;
};

class DeviceTableModel : public PlatformTableModel
{
    Q_OBJECT
public:
    enum ColumnId { Name, NumaNode, DmaBits, MemoryRegions, ColumnCount };
    explicit DeviceTableModel(
        Document* document, PlatformDiagnostics* diagnostics = nullptr, QObject* parent = nullptr);
    QString collection() const override { return QStringLiteral("devices"); }
    QString singular() const override { return tr("device"); }
    QString itemLabel(int row) const override;
    int columnForField(int row, const QString& field) const override;
    int columnCount(const QModelIndex& parent = {}) const override;

protected:
    int itemCount() const override { return int(m_shown.size()); }
    QVariant cellData(int row, int column, int role) const override;
    QString assign(Platform& p, int row, int column, const QVariant& value, QString& what) const override;
    QString insertFresh(Platform& p, int row) const override;
    void eraseItem(Platform& p, int row) const override;
    void swapItems(Platform& p, int a, int b) const override;
    void syncRows() override;

private:
    std::vector<Device> m_shown;
};

class KindTableModel : public PlatformTableModel
{
    Q_OBJECT
public:
    enum ColumnId { Name, Description, ColumnCount };
    explicit KindTableModel(Document* document, PlatformDiagnostics* diagnostics = nullptr, QObject* parent = nullptr);
    QString collection() const override { return QStringLiteral("kinds"); }
    QString singular() const override { return tr("kind"); }
    QString itemLabel(int row) const override;
    int columnForField(int row, const QString& field) const override;
    int columnCount(const QModelIndex& parent = {}) const override;

protected:
    int itemCount() const override { return int(m_shown.size()); }
    QVariant cellData(int row, int column, int role) const override;
    QString assign(Platform& p, int row, int column, const QVariant& value, QString& what) const override;
    QString insertFresh(Platform& p, int row) const override;
    void eraseItem(Platform& p, int row) const override;
    void swapItems(Platform& p, int a, int b) const override;
    void syncRows() override;

private:
    std::vector<Kind> m_shown;
};

/// The 2010 map: one rule per row, as "patterns=regions" and as its two comma-separated halves.
class RuleTableModel : public PlatformTableModel
{
    Q_OBJECT
public:
    enum ColumnId { Rule, Patterns, Regions, ColumnCount };
    explicit RuleTableModel(Document* document, PlatformDiagnostics* diagnostics = nullptr, QObject* parent = nullptr);
    QString collection() const override { return QStringLiteral("rules"); }
    QString singular() const override { return tr("rule"); }
    QString itemLabel(int row) const override;
    int columnForField(int row, const QString& field) const override;
    bool isOrdered() const override { return true; }
    int columnCount(const QModelIndex& parent = {}) const override;

protected:
    int itemCount() const override { return int(m_shown.size()); }
    QVariant cellData(int row, int column, int role) const override;
    QString assign(Platform& p, int row, int column, const QVariant& value, QString& what) const override;
    QString insertFresh(Platform& p, int row) const override;
    void eraseItem(Platform& p, int row) const override;
    void swapItems(Platform& p, int a, int b) const override;
    void syncRows() override;

private:
    std::vector<MapRule> m_shown;
};

} // namespace cmascope::views
