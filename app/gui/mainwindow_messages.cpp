// SPDX-License-Identifier: GPL-2.0-or-later
// The messages of the file last opened or imported: kept whole, counted on the status bar's Messages button and
// listed in a window of their own, so a warning is never lost behind the next status message.
#include "mainwindow.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QPlainTextEdit>
#include <QToolButton>
#include <QVBoxLayout>

namespace cmascope::app {

void MainWindow::setFileMessages(const QStringList& messages)
{
    m_fileMessages = messages;
    m_messagesButton->setVisible(!messages.isEmpty());
    m_messagesButton->setText(messages.size() == 1 ? tr("1 message") : tr("%1 messages").arg(messages.size()));
    m_messagesButton->setToolTip(
        messages.isEmpty() ? QString() : tr("What the file just opened said: %1").arg(messages.first()));
    if (auto* open = findChild<QDialog*>(QStringLiteral("fileMessagesDialog")))
        open->close();
}

void MainWindow::showFileMessages()
{
    auto* dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("fileMessagesDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Messages"));
    auto* text = new QPlainTextEdit(dialog);
    text->setReadOnly(true);
    text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    text->setPlainText(m_fileMessages.join(QLatin1Char('\n')));
    text->setToolTip(tr("Each line names the file, the place (line, JSON path, node) and what is wrong"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(text, 1);
    layout->addWidget(buttons);
    dialog->resize(820, 360);
    dialog->show();
}

} // namespace cmascope::app
