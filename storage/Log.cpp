#include "Log.h"

Q_LOGGING_CATEGORY(lcStorage, "choragen.storage", QtInfoMsg)
Q_LOGGING_CATEGORY(lcKeychain, "choragen.storage.keychain", QtInfoMsg)
