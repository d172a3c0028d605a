#include "ProviderListModel.h"

#include "KeychainNaming.h"
#include "PostTo.h"
#include "Secret.h"

#include <QPointer>
#include <QTimer>

namespace Choragen {

ProviderListModel::ProviderListModel(CredentialStore &store, QObject *parent)
    : QAbstractListModel(parent)
    , m_store(store)
{
}

ProviderListModel::~ProviderListModel()
{
    for (Row &row : m_rows)
        wipeSecret(row.info.secret);
}

int ProviderListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ProviderListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case LabelRole:
        return row.provider.label;
    case IdRole:
        return row.provider.id;
    case EnvVarRole:
        return row.info.envVar.isEmpty() ? row.provider.envVar : row.info.envVar;
    case NeedsKeyRole:
        return row.provider.needsKey;
    case BuiltInRole:
        return row.provider.builtIn;
    case StateRole:
        return QVariant::fromValue(row.state);
    case WaitingRole:
        return row.waiting;
    case LocationRole:
        return QVariant::fromValue(row.info.location);
    case PreviewRole:
        return maskSecret(row.info.secret);
    case ConflictRole:
        return row.info.conflict;
    case AlsoInFileRole:
        return row.info.alsoInFile;
    case LookupErrorRole:
        return row.info.error.ok() ? QString() : row.info.error.text();
    case MessageRole:
        return row.message;
    case MessageKindRole:
        return QVariant::fromValue(row.messageKind);
    default:
        break;
    }
    return {};
}

QHash<int, QByteArray> ProviderListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({{IdRole, "providerId"},
                  {LabelRole, "label"},
                  {EnvVarRole, "envVar"},
                  {NeedsKeyRole, "needsKey"},
                  {BuiltInRole, "builtIn"},
                  {StateRole, "state"},
                  {WaitingRole, "waiting"},
                  {LocationRole, "location"},
                  {PreviewRole, "preview"},
                  {ConflictRole, "conflict"},
                  {AlsoInFileRole, "alsoInFile"},
                  {LookupErrorRole, "lookupError"},
                  {MessageRole, "message"},
                  {MessageKindRole, "messageKind"}});
    return names;
}

Error ProviderListModel::refresh()
{
    m_configError = m_store.reload();
    const QList<Provider> providers = m_configError.ok()
        ? ProviderRegistry(m_store.config()).providers()
        : ProviderRegistry().providers();

    QStringList newIds;
    for (const Provider &provider : providers)
        newIds << provider.id;
    QStringList oldIds;
    for (const Row &row : std::as_const(m_rows))
        oldIds << row.provider.id;

    if (newIds != oldIds) {
        beginResetModel();
        for (Row &row : m_rows)
            wipeSecret(row.info.secret);
        m_rows.clear();
        for (const Provider &provider : providers)
            m_rows << Row {provider, RowState::Loading, {}, false, 0, {}, MessageKind::None};
        endResetModel();
    } else {
        // Same rows: a relabel or a new variable still shows.
        for (int i = 0; i < m_rows.size(); ++i)
            m_rows[i].provider = providers.at(i);
    }
    probe();
    return m_configError;
}

void ProviderListModel::probe()
{
    m_keychainStatus.reset();
    m_probeWaiting = false;
    const quint64 ticket = m_nextTicket++;
    m_probeTicket = ticket;
    Q_EMIT keychainStatusChanged();
    // Rows wait for the probe: QtKeychain runs one job at a time, and every lookup needs it.
    for (int i = 0; i < m_rows.size(); ++i) {
        if (!isPending(i) || m_rows.at(i).state == RowState::Loading)
            startPending(i, RowState::Loading);
    }
    QTimer::singleShot(m_waitingDelayMs, this, [this, ticket] {
        if (m_probeTicket != ticket || m_keychainStatus)
            return;
        m_probeWaiting = true;
        Q_EMIT keychainStatusChanged();
    });
    m_store.forgetProbe();
    m_store.probeKeychain(this, [this, ticket](const BackendStatus &status) {
        if (m_probeTicket != ticket)
            return;
        m_keychainStatus = status;
        m_probeWaiting = false;
        Q_EMIT keychainStatusChanged();
        for (int i = 0; i < m_rows.size(); ++i) {
            if (m_rows.at(i).state == RowState::Loading)
                lookUp(i, true);
        }
        checkSettled();
    });
}

quint64 ProviderListModel::startPending(int row, RowState state)
{
    Row &entry = m_rows[row];
    const quint64 ticket = m_nextTicket++;
    entry.ticket = ticket;
    entry.state = state;
    entry.waiting = false;
    const QString id = entry.provider.id;
    QTimer::singleShot(m_waitingDelayMs, this, [this, id, ticket] {
        if (Row *pending = rowFor(id, ticket); pending && pending->state != RowState::Ready) {
            pending->waiting = true;
            changed(id);
        }
    });
    changed(id);
    return ticket;
}

void ProviderListModel::lookUp(int row, bool keepState)
{
    const quint64 ticket = keepState ? m_rows.at(row).ticket : startPending(row, RowState::Loading);
    const Provider provider = m_rows.at(row).provider;
    m_store.lookup(provider, this, [this, id = provider.id, ticket](KeyInfo info) {
        Row *entry = rowFor(id, ticket);
        if (!entry) {
            wipeSecret(info.secret);
            return;
        }
        wipeSecret(entry->info.secret);
        entry->info = std::move(info);
        entry->state = RowState::Ready;
        entry->waiting = false;
        changed(id);
        checkSettled();
    });
}

ProviderListModel::Row *ProviderListModel::rowFor(const QString &providerId, quint64 ticket)
{
    for (Row &row : m_rows) {
        if (row.provider.id == providerId)
            return row.ticket == ticket ? &row : nullptr;
    }
    return nullptr;
}

void ProviderListModel::changed(const QString &providerId)
{
    const int row = rowOf(providerId);
    if (row < 0)
        return;
    const QModelIndex at = index(row);
    Q_EMIT dataChanged(at, at);
}

void ProviderListModel::checkSettled()
{
    if (!m_keychainStatus)
        return;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (isPending(i))
            return;
    }
    Q_EMIT settled();
}

int ProviderListModel::rowOf(const QString &providerId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).provider.id == providerId)
            return i;
    }
    return -1;
}

Provider ProviderListModel::provider(int row) const
{
    return m_rows.value(row).provider;
}

QList<Provider> ProviderListModel::providers() const
{
    QList<Provider> providers;
    for (const Row &row : m_rows)
        providers << row.provider;
    return providers;
}

QByteArray ProviderListModel::secret(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    return m_rows.at(row).info.secret;
}

ProviderListModel::RowState ProviderListModel::state(int row) const
{
    return m_rows.value(row).state;
}

bool ProviderListModel::isPending(int row) const
{
    return row >= 0 && row < m_rows.size() && m_rows.at(row).state != RowState::Ready;
}

void ProviderListModel::save(int row, const QByteArray &secret)
{
    if (row < 0 || row >= m_rows.size() || isPending(row))
        return;
    const quint64 ticket = startChange(row, RowState::Saving);
    const Provider provider = m_rows.at(row).provider;
    m_store.store(provider, secret, std::nullopt, this,
                  [this, id = provider.id, ticket](const StoreResult &result) {
                      finishChange(id, ticket, result.error,
                                   result.location == KeyLocation::Keychain
                                       ? tr("Saved in the keychain.")
                                       : tr("Saved in the config file, unencrypted."),
                                   result.warnings);
                  });
}

void ProviderListModel::remove(int row)
{
    if (row < 0 || row >= m_rows.size() || isPending(row))
        return;
    const quint64 ticket = startChange(row, RowState::Removing);
    const Provider provider = m_rows.at(row).provider;
    m_store.remove(
        provider, std::nullopt, this, [this, id = provider.id, ticket](const RemoveResult &result) {
            QStringList places;
            for (KeyLocation location : result.removedFrom)
                places << (location == KeyLocation::Keychain ? tr("the keychain")
                                                             : tr("the config file"));
            finishChange(id, ticket, result.error,
                         places.isEmpty() ? tr("There was no stored key to remove.")
                                          : tr("Removed from %1.").arg(places.join(tr(" and "))),
                         result.warnings);
        });
}

quint64 ProviderListModel::startChange(int row, RowState state)
{
    m_rows[row].message.clear();
    m_rows[row].messageKind = MessageKind::None;
    return startPending(row, state);
}

void ProviderListModel::finishChange(const QString &providerId, quint64 ticket, const Error &error,
                                     const QString &outcome, const QStringList &warnings)
{
    Row *entry = rowFor(providerId, ticket);
    if (!entry)
        return;
    if (!error.ok()) {
        entry->message = error.text();
        entry->messageKind = MessageKind::Error;
        entry->state = RowState::Ready;
        entry->waiting = false;
        changed(providerId);
        checkSettled();
        return;
    }
    entry->message = (QStringList {outcome} + warnings).join(QLatin1Char('\n'));
    entry->messageKind = warnings.isEmpty() ? MessageKind::Success : MessageKind::Warning;
    // Read back what is now effective; the row stays Saving or Removing until then.
    lookUp(rowOf(providerId), true);
}

QStringList ProviderListModel::fileKeyProviders() const
{
    return m_configError.ok() ? m_store.config().apiKeyProviders() : QStringList();
}

void ProviderListModel::setProfile(const QString &profile, QObject *context,
                                   std::function<void(const Error &error)> done)
{
    if (!profile.isEmpty() && !isValidProfileName(profile)) {
        const Error invalid = Error::make(
            ErrorCode::InvalidInput,
            tr("A profile name is 1-32 of a-z, 0-9, '-', '_' and '.', starting with a letter or "
               "digit."));
        postTo(context, [done = std::move(done), invalid] { done(invalid); });
        return;
    }
    const auto change = [profile](ConfigFile &config, bool &changed) {
        changed = config.keyProfile() != profile;
        config.setKeyProfile(profile);
        return Error::none();
    };
    // On the UI thread: another writer's lock is waited for from the event loop.
    updateConfigLater(
        m_store.configPath(), this, change,
        [this, context = QPointer<QObject>(context), done = std::move(done)](const Error &error) {
            if (error.ok()) {
                // The project's own choice from now on, also over a --profile
                // given at start.
                m_store.setProfileOverride(QString());
                refresh();
            }
            if (context)
                done(error);
        });
}

void ProviderListModel::keepKeysInFile(QObject *context,
                                       std::function<void(const Error &error)> done)
{
    const auto change = [](ConfigFile &config, bool &changed) {
        changed = config.storageMode() != std::optional(StorageMode::File);
        config.setStorageMode(StorageMode::File);
        return Error::none();
    };
    // On the UI thread: another writer's lock is waited for from the event loop.
    updateConfigLater(
        m_store.configPath(), this, change,
        [this, context = QPointer<QObject>(context), done = std::move(done)](const Error &error) {
            m_store.reload();
            if (context)
                done(error);
        });
}

} // namespace Choragen
