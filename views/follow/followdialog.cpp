// SPDX-License-Identifier: GPL-2.0-or-later
#include "follow/followdialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace cmascope::views {

namespace {

/// A line edit with a Browse… button that fills it with a file the user picks.
QWidget* withBrowse(QWidget* parent, QLineEdit* field, const QString& title)
{
    auto* row = new QWidget(parent);
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    h->addWidget(field, 1);
    auto* browse = new QPushButton(QObject::tr("Browse…"), row);
    browse->setToolTip(QObject::tr("Choose the file"));
    QObject::connect(browse, &QPushButton::clicked, field, [field, title, row] {
        const QString path = QFileDialog::getOpenFileName(row, title, field->text());
        if (!path.isEmpty())
            field->setText(path);
    });
    h->addWidget(browse);
    return row;
}

} // namespace

FollowDialog::FollowDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Follow Live Trace"));
    setObjectName(QStringLiteral("followDialog"));
    auto* form = new QFormLayout;
    m_usePath = new QRadioButton(tr("File or FIFO being written:"), this);
    m_usePath->setChecked(true);
    m_usePath->setToolTip(tr("Follow a file as it grows, a FIFO, or standard input (cmascope --follow)"));
    m_path = new QLineEdit(this);
    m_path->setPlaceholderText(tr("/tmp/trace.txt, a FIFO, or - for standard input"));
    m_path->setToolTip(tr("The trace being written: read from its end as lines are added"));
    form->addRow(m_usePath, withBrowse(this, m_path, tr("Trace File or FIFO to Follow")));
    m_useCommand = new QRadioButton(tr("Command whose output is the trace:"), this);
    m_useCommand->setToolTip(tr("Follow what a command prints, run with /bin/sh -c (cmascope --follow-cmd)"));
    m_command = new QLineEdit(this);
    m_command->setToolTip(tr("A command that prints the trace, e.g. over ssh from the board's trace_pipe"));
    m_command->setPlaceholderText(QStringLiteral("ssh board cat /sys/kernel/tracing/trace_pipe"));
    form->addRow(m_useCommand, m_command);
    m_dmesg = new QLineEdit(this);
    m_dmesg->setToolTip(tr("The board's boot log: its \"cma: Reserved\" lines place the areas before the first "
                           "event arrives"));
    m_dmesg->setPlaceholderText(tr("the board's dmesg (its \"cma: Reserved\" lines give the areas)"));
    form->addRow(tr("Boot log:"), withBrowse(this, m_dmesg, tr("The Board's Boot Log (dmesg)")));
    m_areas = new QLineEdit(this);
    m_areas->setObjectName(QStringLiteral("followAreas"));
    m_areas->setToolTip(tr("Areas given by hand, NAME=BASE_PFN+PAGES[/ORDER_PER_BIT], separated by spaces"));
    m_areas->setPlaceholderText(QStringLiteral("reserved=0x7dc00+4096 video=0x5f800+2048"));
    form->addRow(tr("Areas:"), m_areas);
    auto* note = new QLabel(tr("Areas are placed live when the boot log or an area spec describes them; any other "
                               "area is shown when the input ends (docs/following.md)."),
        this);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Follow"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* column = new QVBoxLayout(this);
    column->addLayout(form);
    column->addWidget(note);
    column->addWidget(buttons);
    for (QLineEdit* e : { m_path, m_command })
        connect(e, &QLineEdit::textChanged, this, &FollowDialog::updateOk);
    connect(m_useCommand, &QRadioButton::toggled, this, &FollowDialog::updateOk);
    connect(m_command, &QLineEdit::textEdited, m_useCommand, [this] { m_useCommand->setChecked(true); });
    connect(m_path, &QLineEdit::textEdited, m_usePath, [this] { m_usePath->setChecked(true); });
    updateOk();
}

void FollowDialog::updateOk()
{
    m_ok->setEnabled(!(m_useCommand->isChecked() ? m_command : m_path)->text().trimmed().isEmpty());
}

FollowSourceSpec FollowDialog::spec() const
{
    FollowSourceSpec spec;
    spec.kind = m_useCommand->isChecked() ? FollowSourceSpec::Command : FollowSourceSpec::Path;
    spec.text = (m_useCommand->isChecked() ? m_command : m_path)->text().trimmed().toStdString();
    return spec;
}

FollowInputs FollowDialog::inputs() const
{
    FollowInputs in;
    in.dmesg = m_dmesg->text().trimmed();
    in.areas = m_areas->text().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    return in;
}

} // namespace cmascope::views
