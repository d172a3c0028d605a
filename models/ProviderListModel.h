#pragma once

#include "CredentialStore.h"
#include "ProviderRegistry.h"

#include <QAbstractListModel>

#include <functional>
#include <optional>

namespace Choragen {

// One row per provider (the built-ins and those declared in the config), with where its effective
// key comes from. Every store call is asynchronous: rows start Loading, are marked Waiting when
// the keychain takes longer than waitingDelayMs(), and settle as answers arrive.
class ProviderListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        LabelRole,
        EnvVarRole, ///< the variable the key came from when it came from one, else the first read
        BuiltInRole,
        StateRole, ///< RowState
        WaitingRole, ///< bool: pending for longer than waitingDelayMs()
        LocationRole, ///< KeyLocation
        PreviewRole, ///< masked, never the key
        ConflictRole,
        AlsoInFileRole,
        LookupErrorRole, ///< QString: why the key could not be looked up
        MessageRole, ///< QString: the outcome of the last Save or Remove
        MessageKindRole, ///< MessageKind
        NeedsKeyRole, ///< bool: false for a local model server configured by its address
    };
    enum class RowState { Loading, Ready, Saving, Removing };
    Q_ENUM(RowState)
    enum class MessageKind { None, Success, Warning, Error };
    Q_ENUM(MessageKind)

    static constexpr int defaultWaitingDelayMs = 1000;

    explicit ProviderListModel(CredentialStore &store, QObject *parent = nullptr);
    ~ProviderListModel() override;

    CredentialStore &store() { return m_store; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Reloads the config, probes the keychain again and looks every key up again. Providers added
    // to or removed from the config add or remove rows. Returns the config's load error, if any.
    Error refresh();

    int rowOf(const QString &providerId) const;
    Provider provider(int row) const;
    QList<Provider> providers() const;
    // The effective key of @p row, for its secret field; empty while loading or when there is none.
    QByteArray secret(int row) const;
    RowState state(int row) const;
    bool isPending(int row) const;

    void save(int row, const QByteArray &secret);
    void remove(int row);

    // The keychain's answer to the last probe; nullopt while it is being asked.
    std::optional<BackendStatus> keychainStatus() const { return m_keychainStatus; }
    bool isProbeWaiting() const { return m_probeWaiting; }
    // The config could not be read: nothing is shown as stored, and nothing is written.
    Error configError() const { return m_configError; }

    // Providers whose key is in the config file in plain text.
    QStringList fileKeyProviders() const;
    // Records `credentialStorage: "file"`, so the first-run wizard stops asking. Never blocks on
    // the config lock: while another process holds it, the change waits for it from the event
    // loop (updateConfigLater(), up to configLockTimeoutMs). @p done gets the result later,
    // unless @p context is gone by then.
    void keepKeysInFile(QObject *context, std::function<void(const Error &error)> done);

    // The key profile in use; empty for the default.
    QString profile() const { return m_store.profile(); }
    // Records @p profile (empty: the default) as the project's `keyProfile` and looks every key
    // up again in it; rows reload asynchronously. Keys of other profiles are not touched. Waits
    // for the config lock like keepKeysInFile(), never blocking; @p done gets the result later
    // (an invalid name too), unless @p context is gone by then.
    void setProfile(const QString &profile, QObject *context,
                    std::function<void(const Error &error)> done);

    int waitingDelayMs() const { return m_waitingDelayMs; }
    void setWaitingDelayMs(int ms) { m_waitingDelayMs = ms; }

Q_SIGNALS:
    void keychainStatusChanged();
    // Every row has settled (no lookup, save or remove pending).
    void settled();

private:
    struct Row
    {
        Provider provider;
        RowState state = RowState::Loading;
        KeyInfo info;
        bool waiting = false;
        quint64 ticket = 0;
        QString message;
        MessageKind messageKind = MessageKind::None;
    };

    void probe();
    void lookUp(int row, bool keepState);
    quint64 startPending(int row, RowState state);
    // Save and Remove: the row's last message goes, and it is pending in @p state.
    quint64 startChange(int row, RowState state);
    // Their answer: @p outcome (what was done) and @p warnings become the row's message and it
    // reads what is now effective, or @p error is shown and the row is ready again.
    void finishChange(const QString &providerId, quint64 ticket, const Error &error,
                      const QString &outcome, const QStringList &warnings);
    Row *rowFor(const QString &providerId, quint64 ticket);
    void changed(const QString &providerId);
    void checkSettled();

    CredentialStore &m_store;
    QList<Row> m_rows;
    quint64 m_nextTicket = 1;
    quint64 m_probeTicket = 0;
    std::optional<BackendStatus> m_keychainStatus;
    bool m_probeWaiting = false;
    Error m_configError;
    int m_waitingDelayMs = defaultWaitingDelayMs;
};

} // namespace Choragen
