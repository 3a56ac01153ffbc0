// SPDX-License-Identifier: GPL-2.0-or-later
#include "singleinstance.h"

#include <QDir>
#include <QLocalSocket>
#include <QStandardPaths>

#include <memory>

namespace cmascope::app {

namespace {
// The message: each file's UTF-8 path followed by a NUL, then one more NUL; the answer: "ok\n".
constexpr char kEnd[] = { '\0', '\0' };
constexpr qint64 kMaxMessage = 1 << 20; // paths, not data: anything longer is not a cmascope talking
} // namespace

InstanceChannel::InstanceChannel(QString socketPath, QObject* parent)
    : QObject(parent)
    , m_path(std::move(socketPath))
{
    connect(&m_server, &QLocalServer::newConnection, this, &InstanceChannel::accept);
}

QString InstanceChannel::defaultSocketPath()
{
    QString folder = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (folder.isEmpty())
        folder = QDir::tempPath() + QStringLiteral("/cmascope-") + qEnvironmentVariable("USER");
    return folder + QStringLiteral("/io.github.cmascope.socket");
}

bool InstanceChannel::handOver(const QStringList& files, int timeoutMs)
{
    QLocalSocket socket;
    socket.connectToServer(m_path);
    if (!socket.waitForConnected(timeoutMs))
        return false;
    QByteArray message;
    for (const QString& f : files)
        message += f.toUtf8() + '\0';
    message += '\0';
    socket.write(message);
    if (!socket.waitForBytesWritten(timeoutMs))
        return false;
    QByteArray answer;
    while (!answer.contains('\n') && socket.waitForReadyRead(timeoutMs))
        answer += socket.readAll();
    return answer.startsWith("ok\n");
}

bool InstanceChannel::listen()
{
    if (handOver({}, 500)) // someone answers: another instance runs
        return false;
    QLocalServer::removeServer(m_path); // a socket file left by an instance that crashed
    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    return m_server.listen(m_path);
}

void InstanceChannel::accept()
{
    while (QLocalSocket* socket = m_server.nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QLocalSocket::readyRead, this, [this, socket, buffer] {
            *buffer += socket->readAll();
            if (buffer->size() > kMaxMessage) {
                socket->abort();
                return;
            }
            if (!buffer->endsWith(QByteArray(kEnd, 2)) && *buffer != QByteArray(1, '\0'))
                return;
            QStringList files;
            for (const QByteArray& part : buffer->split('\0'))
                if (!part.isEmpty())
                    files << QString::fromUtf8(part);
            buffer->clear();
            socket->write("ok\n");
            socket->flush();
            if (!files.isEmpty())
                Q_EMIT filesReceived(files);
        });
    }
}

} // namespace cmascope::app
