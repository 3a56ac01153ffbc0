// SPDX-License-Identifier: GPL-2.0-or-later
#include "platform/platformeditor.h"

#include "common/document.h"
#include "platform/boardsettings.h"
#include "platform/platformmodels.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolTip>
#include <QUndoStack>
#include <QVBoxLayout>

namespace cmascope::views {

using EditorKind = PlatformTableModel::EditorKind;

// ---- delegate ------------------------------------------------------------------------------------------

QWidget* PlatformItemDelegate::createEditor(
    QWidget* parent, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    const auto kind = EditorKind(index.data(PlatformTableModel::EditorRole).toInt());
    switch (kind) {
    case EditorKind::Choice: {
        auto* combo = new QComboBox(parent);
        combo->addItems(index.data(PlatformTableModel::ChoicesRole).toStringList());
        // A choice is complete when it is made: commit at once rather than on focus loss.
        auto* self = const_cast<PlatformItemDelegate*>(this);
        connect(combo, &QComboBox::activated, self, [self, combo] {
            Q_EMIT self->commitData(combo);
            Q_EMIT self->closeEditor(combo);
        });
        return combo;
    }
    case EditorKind::Integer: {
        auto* spin = new QSpinBox(parent);
        spin->setRange(
            index.data(PlatformTableModel::MinimumRole).toInt(), index.data(PlatformTableModel::MaximumRole).toInt());
        spin->setSpecialValueText(index.data(PlatformTableModel::NoneTextRole).toString());
        spin->setAlignment(Qt::AlignRight);
        return spin;
    }
    case EditorKind::Text:
    case EditorKind::Size:
    case EditorKind::Address: {
        QWidget* editor = QStyledItemDelegate::createEditor(parent, option, index);
        if (auto* line = qobject_cast<QLineEdit*>(editor)) {
            line->setPlaceholderText(index.data(PlatformTableModel::PlaceholderRole).toString());
            if (kind != EditorKind::Text)
                line->setAlignment(Qt::AlignRight);
        }
        return editor;
    }
    case EditorKind::None:
    case EditorKind::Check:
        break;
    }
    return nullptr;
}

void PlatformItemDelegate::setEditorData(QWidget* editor, const QModelIndex& index) const
{
    if (auto* combo = qobject_cast<QComboBox*>(editor)) {
        const QString text = index.data(Qt::EditRole).toString();
        int i = combo->findText(text);
        if (i < 0) { // a value the choices do not offer (an unknown owner): keep it selectable
            combo->insertItem(0, text);
            i = 0;
        }
        combo->setCurrentIndex(i);
        return;
    }
    if (auto* spin = qobject_cast<QSpinBox*>(editor)) {
        spin->setValue(index.data(Qt::EditRole).toInt());
        return;
    }
    QStyledItemDelegate::setEditorData(editor, index);
}

void PlatformItemDelegate::setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const
{
    if (auto* combo = qobject_cast<QComboBox*>(editor)) {
        model->setData(index, combo->currentText(), Qt::EditRole);
        return;
    }
    if (auto* spin = qobject_cast<QSpinBox*>(editor)) {
        spin->interpretText();
        model->setData(index, spin->value(), Qt::EditRole);
        return;
    }
    QStyledItemDelegate::setModelData(editor, model, index);
}

// ---- editor --------------------------------------------------------------------------------------------

namespace {
constexpr int kTabCount = 5;
/// Tab titles, in Tab order (translated in the PlatformEditor context).
const char* const kTabTitles[kTabCount] = { QT_TRANSLATE_NOOP("cmascope::views::PlatformEditor", "Banks"),
    QT_TRANSLATE_NOOP("cmascope::views::PlatformEditor", "Regions"),
    QT_TRANSLATE_NOOP("cmascope::views::PlatformEditor", "Devices"),
    QT_TRANSLATE_NOOP("cmascope::views::PlatformEditor", "Kinds"),
    QT_TRANSLATE_NOOP("cmascope::views::PlatformEditor", "Map") };

/// The index of a table tab into the editor's arrays of models and views.
int tabIndex(PlatformEditor::Tab tab)
{
    return int(tab);
}

bool isTable(PlatformEditor::Tab tab)
{
    return tab != PlatformEditor::Tab::Board;
}

/// Validation paths of the platform's own settings, shown on the Board tab.
bool isBoardPath(const std::string& path)
{
    for (const char* field : { "name", "mapMode", "pageSize", "pageblockOrder", "cmaAlignmentOrder" }) {
        if (path == field)
            return true;
    }
    return false;
}

std::optional<PlatformEditor::Tab> tabForCollection(const QString& collection)
{
    static const char* const names[kTabCount] = { "banks", "regions", "devices", "kinds", "rules" };
    for (int i = 0; i < kTabCount; ++i) {
        if (collection == QLatin1String(names[i]))
            return PlatformEditor::Tab(i);
    }
    return std::nullopt;
}
} // namespace

PlatformEditor::PlatformEditor(Document* document, QWidget* parent)
    : QWidget(parent)
    , m_doc(document)
{
    createModels();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    layout->addWidget(splitter);
    createTablesPane(splitter);
    createProblemsPane(splitter);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setCollapsible(0, false);

    connect(m_diagnostics, &PlatformDiagnostics::refreshed, this, [this] {
        // A new project (open, demo, import) starts with an empty undo stack: fit the columns to it.
        if (m_doc->undoStack()->count() == 0)
            fitColumns();
        showMessage({});
        updateProblems();
        updateRulesBanner();
        updateButtons();
    });
    fitColumns();
    updateProblems();
    updateRulesBanner();
    updateButtons();
}

void PlatformEditor::createModels()
{
    // The diagnostics first: the tables read their marks when they refresh.
    m_diagnostics = new PlatformDiagnostics(m_doc, this);
    m_models[tabIndex(Tab::Banks)] = new BankTableModel(m_doc, m_diagnostics, this);
    m_models[tabIndex(Tab::Regions)] = new RegionTableModel(m_doc, m_diagnostics, this);
    m_models[tabIndex(Tab::Devices)] = new DeviceTableModel(m_doc, m_diagnostics, this);
    m_models[tabIndex(Tab::Kinds)] = new KindTableModel(m_doc, m_diagnostics, this);
    m_models[tabIndex(Tab::Map)] = new RuleTableModel(m_doc, m_diagnostics, this);
}

void PlatformEditor::createTablesPane(QWidget* parent)
{
    auto* top = new QWidget(parent);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    m_tabs = new QTabWidget(top);
    m_tabs->setDocumentMode(true);
    topLayout->addWidget(m_tabs);

    // The board's own settings first, as a BSP's defconfig and board file start with them.
    m_board = new BoardSettings(m_doc, m_tabs);
    m_tabs->addTab(m_board, tr("Board"));
    for (int i = 0; i < kTabCount; ++i)
        m_views[std::size_t(i)] = createTableView(i);
    for (int i = 0; i < kTabCount; ++i) {
        QTableView* v = m_views[std::size_t(i)];
        m_tabs->addTab(Tab(i) == Tab::Map ? createRulesPage(v) : v, tr(kTabTitles[i]));
    }
    m_tabs->setCurrentIndex(pageOf(Tab::Regions));
    m_tabs->installEventFilter(this);
    connect(m_tabs, &QTabWidget::currentChanged, this, &PlatformEditor::updateButtons);
    connect(view(Tab::Regions)->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex& current) { Q_EMIT regionSelected(current.isValid() ? current.row() : -1); });

    topLayout->addLayout(createButtons(top));
    createShortcuts();

    m_message = new QLabel(top);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette pal = m_message->palette();
    pal.setColor(QPalette::WindowText, QColor(0xd0, 0x30, 0x30));
    m_message->setPalette(pal);
    m_message->hide();
    topLayout->addWidget(m_message);
}

QTableView* PlatformEditor::createTableView(int tab)
{
    auto* view = new QTableView(m_tabs);
    view->setModel(m_models[std::size_t(tab)]);
    view->setItemDelegate(new PlatformItemDelegate(view)); // one per view: views share no delegate
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setSelectionBehavior(QAbstractItemView::SelectItems);
    view->setEditTriggers(
        QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed | QAbstractItemView::AnyKeyPressed);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setHighlightSections(false);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    // Never less than the header and three rows, however long the message below the table gets.
    view->setMinimumHeight(view->horizontalHeader()->sizeHint().height()
        + 3 * view->verticalHeader()->defaultSectionSize() + 2 * view->frameWidth());
    connect(view->selectionModel(), &QItemSelectionModel::currentChanged, this, &PlatformEditor::updateButtons);
    connect(m_models[std::size_t(tab)], &PlatformTableModel::editRejected, this,
        [this, view](const QModelIndex& index, const QString& reason) {
            showMessage(reason);
            if (index.isValid() && view->isVisible()) {
                const QRect cell = view->visualRect(index);
                QToolTip::showText(view->viewport()->mapToGlobal(cell.bottomLeft()), reason, view, cell);
            }
        });
    return view;
}

QWidget* PlatformEditor::createRulesPage(QTableView* rules)
{
    auto* page = new QWidget(m_tabs);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_rulesBanner = new QLabel(page);
    m_rulesBanner->setWordWrap(true);
    m_rulesBanner->setTextFormat(Qt::RichText);
    m_rulesBanner->setMargin(4);
    m_rulesBanner->setAutoFillBackground(true);
    connect(m_rulesBanner, &QLabel::linkActivated, this, [this] { setCurrentTab(Tab::Board); });
    layout->addWidget(m_rulesBanner);
    rules->setParent(page);
    layout->addWidget(rules, 1);
    return page;
}

int PlatformEditor::pageOf(Tab tab) const
{
    return isTable(tab) ? m_tabs->indexOf(m_board) + 1 + tabIndex(tab) : m_tabs->indexOf(m_board);
}

void PlatformEditor::updateRulesBanner()
{
    const Platform& p = m_doc->project().platform;
    const bool used = p.mapMode == MapMode::Map2010;
    QPalette pal = m_rulesBanner->palette();
    pal.setColor(QPalette::Window, used ? pal.color(QPalette::AlternateBase) : QColor(0xff, 0xf0, 0xc0));
    pal.setColor(QPalette::WindowText, used ? palette().color(QPalette::WindowText) : QColor(0x40, 0x30, 0x00));
    m_rulesBanner->setPalette(pal);
    m_rulesBanner->setText(rulesBannerText(p, tr("<a href=\"board\">Board tab</a>")));
}

QHBoxLayout* PlatformEditor::createButtons(QWidget* parent)
{
    auto* buttons = new QHBoxLayout;
    m_add = new QPushButton(tr("&Add"), parent);
    m_remove = new QPushButton(tr("&Remove"), parent);
    m_up = new QPushButton(tr("&Up"), parent);
    m_down = new QPushButton(tr("Do&wn"), parent);
    m_add->setToolTip(tr("Add an item after the current one (Insert)"));
    m_remove->setToolTip(tr("Remove the current item (Delete)"));
    m_up->setToolTip(tr("Move the current item up: regions and rules are tried in order (Alt+Up)"));
    m_down->setToolTip(tr("Move the current item down (Alt+Down)"));
    for (QPushButton* b : { m_add, m_remove, m_up, m_down }) {
        b->setAutoDefault(false);
        buttons->addWidget(b);
    }
    buttons->addStretch(1);
    connect(m_add, &QPushButton::clicked, this, &PlatformEditor::addItem);
    connect(m_remove, &QPushButton::clicked, this, &PlatformEditor::removeItem);
    connect(m_up, &QPushButton::clicked, this, &PlatformEditor::moveUp);
    connect(m_down, &QPushButton::clicked, this, &PlatformEditor::moveDown);
    return buttons;
}

void PlatformEditor::createShortcuts()
{
    // Keyboard: only while focus is in the editor, so they never clash with the main window's shortcuts.
    const auto shortcut = [this](const QKeySequence& key, void (PlatformEditor::*slot)()) {
        auto* action = new QAction(this);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    shortcut(QKeySequence(Qt::Key_Insert), &PlatformEditor::addItem);
    shortcut(QKeySequence(QKeySequence::Delete), &PlatformEditor::removeItem);
    shortcut(QKeySequence(Qt::ALT | Qt::Key_Up), &PlatformEditor::moveUp);
    shortcut(QKeySequence(Qt::ALT | Qt::Key_Down), &PlatformEditor::moveDown);
}

void PlatformEditor::createProblemsPane(QWidget* parent)
{
    auto* bottom = new QWidget(parent);
    auto* bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    m_summary = new QLabel(bottom);
    bottomLayout->addWidget(m_summary);
    m_problems = new QListView(bottom);
    m_problems->setModel(m_diagnostics);
    m_problems->setWordWrap(true);
    m_problems->setUniformItemSizes(false);
    m_problems->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_problems->setToolTip(tr("Double-click a message to select the cell it is about"));
    bottomLayout->addWidget(m_problems);
    connect(m_problems, &QListView::activated, this, [this](const QModelIndex& index) { showDiagnostic(index.row()); });
}

PlatformEditor::~PlatformEditor()
{
    // Deleting the children can still signal (an open cell editor commits on focus loss, selections
    // change): nothing may reach this half-destroyed widget.
    m_diagnostics->disconnect(this);
    for (std::size_t i = 0; i < m_views.size(); ++i) {
        m_models[i]->disconnect(this);
        m_views[i]->selectionModel()->disconnect(this);
    }
    m_tabs->disconnect(this);
    m_tabs->removeEventFilter(this);
    m_problems->disconnect(this);
}

QAbstractItemModel* PlatformEditor::model(Tab tab) const
{
    return tableModel(tab);
}

PlatformTableModel* PlatformEditor::tableModel(Tab tab) const
{
    return isTable(tab) ? m_models[std::size_t(tabIndex(tab))] : nullptr;
}

QTableView* PlatformEditor::view(Tab tab) const
{
    return isTable(tab) ? m_views[std::size_t(tabIndex(tab))] : nullptr;
}

PlatformEditor::Tab PlatformEditor::currentTab() const
{
    const int table = m_tabs->currentIndex() - pageOf(Tab::Banks);
    return table >= 0 && table < kTabCount ? Tab(table) : Tab::Board;
}

void PlatformEditor::setCurrentTab(Tab tab)
{
    m_tabs->setCurrentIndex(pageOf(tab));
}

QString PlatformEditor::message() const
{
    return m_message->text();
}

void PlatformEditor::fitColumns()
{
    // Room for a validation mark (icon) that may appear in any cell later.
    const int markRoom = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this) + 6;
    for (QTableView* v : m_views) {
        v->resizeColumnsToContents();
        for (int c = 0; c + 1 < v->model()->columnCount(); ++c)
            v->setColumnWidth(c, v->columnWidth(c) + markRoom);
    }
}

void PlatformEditor::showMessage(const QString& text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

int PlatformEditor::currentRow() const
{
    if (!isTable(currentTab()))
        return -1;
    const QModelIndex current = view(currentTab())->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void PlatformEditor::updateButtons()
{
    const PlatformTableModel* m = tableModel(currentTab());
    m_add->setVisible(m != nullptr);
    m_remove->setVisible(m != nullptr);
    if (!m) { // the Board tab: settings, not a list
        m_up->hide();
        m_down->hide();
        return;
    }
    const int row = currentRow();
    const int rows = m->rowCount();
    m_remove->setEnabled(row >= 0 && row < rows);
    m_up->setVisible(m->isOrdered());
    m_down->setVisible(m->isOrdered());
    m_up->setEnabled(m->isOrdered() && row > 0 && row < rows);
    m_down->setEnabled(m->isOrdered() && row >= 0 && row + 1 < rows);
}

void PlatformEditor::updateProblems()
{
    const int errors = m_diagnostics->count(Severity::Error);
    const int warnings = m_diagnostics->count(Severity::Warning) + m_diagnostics->count(Severity::Info);
    m_summary->setText(tr("<b>Problems:</b> %1").arg(m_diagnostics->summary().toHtmlEscaped()));

    // Tab titles: the item count, and an icon when a cell of the tab is marked.
    std::array<int, kTabCount + 1> worst; // the table tabs, then Board
    worst.fill(-1);
    for (const auto& e : m_diagnostics->entries()) {
        if (isBoardPath(e.diagnostic.path)) {
            int& w = worst[kTabCount];
            w = w < 0 ? int(e.diagnostic.severity) : std::min(w, int(e.diagnostic.severity));
        }
        for (const auto& t : e.targets) {
            if (const auto tab = tabForCollection(t.collection)) {
                int& w = worst[std::size_t(tabIndex(*tab))];
                w = w < 0 ? int(e.diagnostic.severity) : std::min(w, int(e.diagnostic.severity));
            }
        }
    }
    QStyle* st = style();
    for (int i = 0; i <= kTabCount; ++i) {
        const Tab tab = i < kTabCount ? Tab(i) : Tab::Board;
        QIcon icon;
        if (worst[std::size_t(i)] == int(Severity::Error))
            icon = st->standardIcon(QStyle::SP_MessageBoxCritical);
        else if (worst[std::size_t(i)] == int(Severity::Warning))
            icon = st->standardIcon(QStyle::SP_MessageBoxWarning);
        m_tabs->setTabIcon(pageOf(tab), icon);
    }
    updateTabTitles();
    m_summary->setToolTip(errors + warnings > 0 ? tr("Double-click a message to select the cell it is about")
                                                : tr("validate() of the core finds nothing wrong with this platform"));
}

void PlatformEditor::updateTabTitles()
{
    // With the item counts when every title fits the tab bar, else the names alone: no tab hides behind the
    // scroll arrows in a narrow dock. The counts stay in the tooltips.
    for (const bool counts : { true, false }) {
        for (int i = 0; i < kTabCount; ++i) {
            const int n = m_models[std::size_t(i)]->rowCount();
            const QString title = tr(kTabTitles[i]);
            m_tabs->setTabText(pageOf(Tab(i)), counts ? tr("%1 (%2)").arg(title).arg(n) : title);
            m_tabs->setTabToolTip(pageOf(Tab(i)), tr("%1: %2").arg(title).arg(n));
        }
        if (!counts || m_tabs->tabBar()->sizeHint().width() <= m_tabs->width())
            break;
    }
}

bool PlatformEditor::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_tabs && event->type() == QEvent::Resize)
        updateTabTitles();
    return QWidget::eventFilter(watched, event);
}

void PlatformEditor::selectItem(Tab tab, int row, int column)
{
    if (!isTable(tab)) {
        setCurrentTab(tab);
        return;
    }
    PlatformTableModel* m = tableModel(tab);
    const QModelIndex index = m->index(row, std::max(0, column));
    if (!index.isValid())
        return;
    setCurrentTab(tab);
    QTableView* v = view(tab);
    v->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    v->scrollTo(index);
    v->setFocus(Qt::OtherFocusReason);
}

bool PlatformEditor::showDiagnostic(int row)
{
    const auto& entries = m_diagnostics->entries();
    if (row < 0 || row >= int(entries.size()))
        return false;
    const auto& e = entries[std::size_t(row)];
    if (e.targets.empty() && isBoardPath(e.diagnostic.path)) {
        setCurrentTab(Tab::Board); // the page size, the pageblock order: settings of the board
        return true;
    }
    if (e.targets.empty()) {
        // "banks" (the collection as a whole): show its tab at least.
        if (const auto tab = tabForCollection(QString::fromStdString(e.diagnostic.path)))
            setCurrentTab(*tab);
        return false;
    }
    const auto& t = e.targets.front();
    const auto tab = tabForCollection(t.collection);
    if (!tab || t.row < 0 || t.row >= tableModel(*tab)->rowCount())
        return false;
    selectItem(*tab, t.row, tableModel(*tab)->columnForField(t.row, t.field));
    return true;
}

int PlatformEditor::addRegionAt(quint64 base, quint64 size)
{
    auto* regions = static_cast<RegionTableModel*>(tableModel(Tab::Regions));
    const int row = regions->addFixedRegion(base, size);
    if (row >= 0)
        selectItem(Tab::Regions, row, RegionTableModel::Name);
    return row;
}

void PlatformEditor::addItem()
{
    const Tab tab = currentTab();
    if (!isTable(tab))
        return;
    const int current = currentRow();
    const int row = tableModel(tab)->addItem(current >= 0 ? current + 1 : -1);
    if (row >= 0)
        selectItem(tab, row, 0);
}

void PlatformEditor::removeItem()
{
    const Tab tab = currentTab();
    if (!isTable(tab))
        return;
    const int row = currentRow();
    const int column = std::max(0, view(tab)->currentIndex().column());
    PlatformTableModel* m = tableModel(tab);
    if (!m->removeItem(row))
        return;
    if (m->rowCount() > 0)
        selectItem(tab, std::min(row, m->rowCount() - 1), column);
}

void PlatformEditor::moveUp()
{
    moveCurrent(-1);
}

void PlatformEditor::moveDown()
{
    moveCurrent(+1);
}

void PlatformEditor::moveCurrent(int delta)
{
    const Tab tab = currentTab();
    if (!isTable(tab))
        return;
    const QModelIndex current = view(tab)->currentIndex();
    if (!tableModel(tab)->moveItem(current.isValid() ? current.row() : -1, delta))
        return;
    // The model moved the row (rowsMoved): the current index followed it. Make sure it stays visible.
    view(tab)->scrollTo(view(tab)->currentIndex());
    updateButtons();
}

} // namespace cmascope::views
