// SPDX-License-Identifier: GPL-2.0-or-later
// The Steps / Time axis box (stepaxisbox.h, docs/time-and-latency.md).
#include "common/stepaxisbox.h"

#include "common/document.h"

#include <QSignalBlocker>

namespace cmascope::views {

StepAxisBox::StepAxisBox(Document* document, QWidget* parent)
    : QComboBox(parent)
    , m_doc(document)
{
    setObjectName(QStringLiteral("stepAxisBox"));
    addItem(tr("Steps"), int(StepAxisMode::Steps));
    addItem(tr("Time"), int(StepAxisMode::Time));
    setToolTip(tr("Draw the run over its steps, or over the trace's real time (gaps between events visible)"));
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(this, &QComboBox::activated, this,
        [this](int i) { m_doc->setStepAxisMode(StepAxisMode(itemData(i).toInt())); });
    connect(m_doc, &Document::stepAxisModeChanged, this, &StepAxisBox::sync);
    connect(m_doc, &Document::runFinished, this, &StepAxisBox::sync);
    connect(m_doc, &Document::runStarted, this, &StepAxisBox::sync);
    sync();
}

void StepAxisBox::sync()
{
    const QSignalBlocker block(this);
    setCurrentIndex(findData(int(m_doc->chosenStepAxisMode())));
    setVisible(m_doc->hasStepTimes());
}

} // namespace cmascope::views
