// SPDX-License-Identifier: GPL-2.0-or-later
// The sentence under a compare map (docs/compare.md#policies-side-by-side): word-wrapped to the map's width and
// cut with an ellipsis after a few lines, so every map keeps the same room however long its run's sentence is;
// the whole text is the tooltip.
#pragma once

#include <QWidget>

namespace cmascope::views {

class OutcomeLabel : public QWidget
{
    Q_OBJECT
public:
    explicit OutcomeLabel(int lines, QWidget* parent = nullptr);

    void setText(const QString& text);
    QString text() const { return m_text; }
    /// The text as painted at the current width: whole lines, the last one ending in "…" when cut.
    QStringList shownLines() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_text;
    int m_lines;
};

} // namespace cmascope::views
