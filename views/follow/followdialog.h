// SPDX-License-Identifier: GPL-2.0-or-later
// File › Follow Live Trace… (docs/following.md): what to follow (a file being written, a FIFO, or a command whose
// output is the trace) and what describes its areas up front (a boot log, area specs).
#pragma once

#include "follow/followinputs.h"

#include <cmascope/trace/followsource.h>

#include <QDialog>

class QLineEdit;
class QPushButton;
class QRadioButton;

namespace cmascope::views {

class FollowDialog : public QDialog
{
    Q_OBJECT
public:
    explicit FollowDialog(QWidget* parent = nullptr);

    FollowSourceSpec spec() const;
    FollowInputs inputs() const;
    QLineEdit* pathField() const { return m_path; }
    QLineEdit* commandField() const { return m_command; }
    QRadioButton* commandChoice() const { return m_useCommand; }

private:
    void updateOk();

    QRadioButton* m_usePath = nullptr;
    QRadioButton* m_useCommand = nullptr;
    QLineEdit* m_path = nullptr;
    QLineEdit* m_command = nullptr;
    QLineEdit* m_dmesg = nullptr;
    QLineEdit* m_areas = nullptr;
    QPushButton* m_ok = nullptr;
};

} // namespace cmascope::views
