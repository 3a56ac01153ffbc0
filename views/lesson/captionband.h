// SPDX-License-Identifier: GPL-2.0-or-later
// The presentation caption (docs/teaching.md#presenting): a band under the memory map that says, in large type,
// which step is shown, the lesson's note on it and the step's narration — what the allocator did and why. It
// follows the document's current step; its height follows its text, up to half of the page it sits in, and a
// long text gets smaller type before it is cut.
#pragma once

#include <QTextDocument>
#include <QWidget>

class QTimer;

namespace cmascope::views {

class Document;

class CaptionBand : public QWidget
{
    Q_OBJECT
public:
    /// A caption for @p document, at most half as high as @p page (the widget holding the map and the band).
    CaptionBand(Document* document, QWidget* page);

    /// The type size relative to the application font (1.5 by default: readable from the back of a room).
    void setFontScale(double scale);
    double fontScale() const { return m_scale; }
    /// What the caption says, as plain text (tests).
    QString plainText() const { return m_text.toPlainText(); }
    /// The point size the caption's text ended up with (smaller than asked when the text is long).
    qreal bodyPointSize() const { return m_text.defaultFont().pointSizeF(); }
    /// Whether all of the text fits in the band (a very long text is cut at half the page).
    bool isTextComplete() const { return m_complete; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void refresh();
    void relayout();
    QString captionHtml() const;

    Document* m_doc;
    QWidget* m_page;
    QTextDocument m_text;
    QTimer* m_timer; ///< one refresh for many step changes (a drag of the slider, a fast playback)
    double m_scale = 1.5;
    bool m_complete = true;
};

} // namespace cmascope::views
