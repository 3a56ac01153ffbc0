// SPDX-License-Identifier: GPL-2.0-or-later
// The "Steps / Time" choice of the axis the timeline and the charts use (docs/time-and-latency.md). Every box
// shows and sets the document's one choice (Document::setStepAxisMode), so the views change together; it is
// shown only while the run's scenario has a time for every step.
#pragma once

#include <QComboBox>

namespace cmascope::views {

class Document;

class StepAxisBox : public QComboBox
{
    Q_OBJECT
public:
    explicit StepAxisBox(Document* document, QWidget* parent = nullptr);

private:
    void sync();

    Document* m_doc;
};

} // namespace cmascope::views
