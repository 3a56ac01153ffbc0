// SPDX-License-Identifier: GPL-2.0-or-later
// The Board tab of the platform editor: the settings of the platform as a whole (board name, map mode, 2010
// map dialect, page size, pageblock order, CONFIG_CMA_ALIGNMENT), each shown with what it means for the regions
// and requests.
// Every change is one Document::editPlatform(): undoable, and the scenario runs again.
#pragma once

#include <cmascope/model/platform.h>

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace cmascope::views {

class Document;

/// What a map mode means, for the Board tab and the Map tab: how requests find their regions and which
/// region flags and tabs the mode reads (docs/cma2010.md#the-map-language, docs/kernel-cma.md).
QString mapModeExplanation(const Platform& platform);
/// The banner of the Map tab (rich text): whether the rules are used, with @p boardLink to change the mode.
QString rulesBannerText(const Platform& platform, const QString& boardLink);
/// The minimum alignment of a CMA region on @p platform, with how it comes about ("2 MiB (4 KiB × 2^9)"),
/// or why the pageblock order does not matter (2010 mode).
QString minimumAlignmentText(const Platform& platform);
/// The largest default alignment of one allocation (CONFIG_CMA_ALIGNMENT), or why it does not matter.
QString allocationAlignmentText(const Platform& platform);

class BoardSettings : public QWidget
{
    Q_OBJECT
public:
    /// Pageblock orders and CONFIG_CMA_ALIGNMENT values a project file accepts (docs/project-format.md).
    static constexpr int kMinPageblockOrder = 0;
    static constexpr int kMaxPageblockOrder = 20;
    static constexpr int kMinCmaAlignmentOrder = 2;
    static constexpr int kMaxCmaAlignmentOrder = 12;

    explicit BoardSettings(Document* document, QWidget* parent = nullptr);

    // Each setter is one undoable edit of the document's platform; the same value again pushes nothing.
    // A refused value leaves the platform as it is, returns false and says why (message(), editRejected).
    bool setBoardName(const QString& name);
    bool setMapMode(MapMode mode);
    /// The 2010 posting the map follows (docs/cma2010.md#dialects); nullopt = cmascope's historical rules.
    bool setMapDialect(std::optional<MapDialect> dialect);
    /// "4K", "16K" or "64K" (any memparse spelling). Regions that used the platform's page size follow it.
    bool setPageSize(const QString& text);
    bool setPageblockOrder(int order);
    bool setCmaAlignmentOrder(int order);

    /// Why the last change was refused; empty after one was accepted.
    QString message() const;
    /// The texts shown next to the settings (what the map mode does, the resulting alignments).
    QString modeText() const;
    QString alignmentText() const;

Q_SIGNALS:
    void editRejected(const QString& reason);

private:
    void createForm();
    /// Shows the document's platform in the widgets (signals blocked) and the texts that depend on it.
    void refresh();
    bool commit(const Platform& p, const QString& what);
    bool reject(const QString& reason);

    Document* m_doc;
    QLineEdit* m_name = nullptr;
    QComboBox* m_mode = nullptr;
    QLabel* m_modeText = nullptr;
    QComboBox* m_dialect = nullptr;
    QComboBox* m_pageSize = nullptr;
    QSpinBox* m_pageblockOrder = nullptr;
    QLabel* m_alignment = nullptr;
    QSpinBox* m_cmaAlignmentOrder = nullptr;
    QLabel* m_allocAlignment = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace cmascope::views
