// SPDX-License-Identifier: GPL-2.0-or-later
// One cmascope window for files opened from the file manager or a terminal (README "Installing"): the first
// instance listens on a local socket in the user's runtime folder; a later `cmascope FILE` hands the file to it
// and exits, and the running window opens it.
#pragma once

#include <QLocalServer>
#include <QObject>
#include <QStringList>

namespace cmascope::app {

class InstanceChannel : public QObject
{
    Q_OBJECT
public:
    /// @p socketPath: where the running instance listens (defaultSocketPath() for the user's session).
    explicit InstanceChannel(QString socketPath = defaultSocketPath(), QObject* parent = nullptr);

    /// $XDG_RUNTIME_DIR/io.github.cmascope.socket (private to the user; the temporary folder with the user's name
    /// when there is no runtime folder).
    static QString defaultSocketPath();

    /// Hands @p files (absolute paths) to the instance listening, waiting at most @p timeoutMs; true when it
    /// took them. False when no instance runs (or it did not answer): the caller opens them itself.
    bool handOver(const QStringList& files, int timeoutMs = 3000);
    /// Starts listening for later instances; a socket left by a crashed instance is removed first. False when
    /// another instance already listens (or the socket cannot be made): files then stay with their own window.
    bool listen();
    bool isListening() const { return m_server.isListening(); }

Q_SIGNALS:
    /// A later instance handed these files over.
    void filesReceived(const QStringList& files);

private:
    void accept();
    QString m_path;
    QLocalServer m_server;
};

} // namespace cmascope::app
