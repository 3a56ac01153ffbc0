// SPDX-License-Identifier: GPL-2.0-or-later
// The sandbox (docs/sandbox.md): a request bar over the live map that allocates or frees right now. Every
// action inserts one step right after the current step of the scenario that runs (one undoable edit that
// reruns it) and moves every view to the new step, so experimenting turns into a scenario. On the map: a right
// click on a chunk frees it, on empty space in a region pre-fills a device the map sends there, and Ctrl+drag
// over a region pre-fills the size of the pages dragged over. A replayed kernel trace is not edited.
#pragma once

#include <cmascope/model/scenario.h>

#include <QString>
#include <QWidget>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;

namespace cmascope::views {

class Document;
class MemoryMapWidget;

class SandboxBar : public QWidget
{
    Q_OBJECT
public:
    SandboxBar(Document* document, MemoryMapWidget* map, QWidget* parent = nullptr);

    /// The sandbox is on: the map's right-click menu and Ctrl+drag serve it (the bar's visibility is the
    /// caller's: the main window toggles both with its Sandbox action).
    void setActive(bool active);
    bool isActive() const { return m_active; }
    /// Why the sandbox cannot edit the document now (a replayed trace, no device, a run under way), or empty.
    QString unavailableReason() const;
    /// The last message: an error in the input, or the outcome of the last action.
    QString message() const;

    QComboBox* deviceBox() const { return m_device; }
    QComboBox* kindBox() const { return m_kind; }
    QLineEdit* sizeEdit() const { return m_size; }
    QLineEdit* alignmentEdit() const { return m_align; }
    QLineEdit* labelEdit() const { return m_label; }
    QPushButton* allocateButton() const { return m_allocate; }
    QPushButton* freeButton() const { return m_free; }

public Q_SLOTS:
    /// Inserts the bar's request after the current step; false (with a message, no edit) on bad input.
    bool allocate();
    /// Frees the chunk selected on the map (Document::selectedChunk()).
    bool freeSelected();
    /// Frees chunk @p id, live at the current step (the map's "Free <label>").
    bool freeChunk(quint32 id);
    /// Inserts a phase marker @p text after the current step.
    bool insertPhase(const QString& text);
    /// Pre-fills the bar with a device (and kind) the map sends to region @p regionIndex (into the map's
    /// content().regions) first: the map's "Allocate here…".
    void useRegion(int regionIndex);
    /// Pre-fills the size with the pages of region @p regionIndex that [begin, end) touches (a Ctrl+drag), and
    /// a device the map sends there.
    void useRange(int regionIndex, quint64 begin, quint64 end);

Q_SIGNALS:
    /// Something to show in the status bar.
    void messageChanged(const QString& text);

private:
    void buildInputs();
    void buildButtons();
    void rebuildChoices();
    void updateEnabled();
    void setMessage(const QString& text, bool error = false);
    void fillContextMenu(QMenu* menu, quint32 chunkId, int regionIndex);
    /// The edited copy of the scenarios and the index of the running one (a "Sandbox" scenario when none).
    bool prepareEdit(std::vector<Scenario>& scenarios, int& index);
    /// Commits @p scenarios as one edit named @p what whose new step is @p step; the run is shown after it.
    void commit(std::vector<Scenario> scenarios, int index, const QString& what, std::size_t step);
    /// After the rerun: says what the inserted step did.
    void reportInsertedStep();
    QString freeText(quint32 id) const;
    /// Chooses a device (and kind) the map sends to region @p regionIndex of the map first; what it chose.
    QString chooseRequesterFor(int regionIndex, std::uint64_t bytes);

    Document* m_doc;
    MemoryMapWidget* m_map;
    bool m_active = false;
    std::optional<std::size_t> m_insertedStep; ///< the step the last edit inserted, until its run is reported
    bool m_showingReason = false; ///< the message is unavailableReason()
    QComboBox* m_device = nullptr;
    QComboBox* m_kind = nullptr;
    QLineEdit* m_size = nullptr;
    QLineEdit* m_align = nullptr;
    QLineEdit* m_label = nullptr;
    QPushButton* m_allocate = nullptr;
    QPushButton* m_free = nullptr;
    QPushButton* m_phase = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace cmascope::views
