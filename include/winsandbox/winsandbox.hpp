// Umbrella header: the whole public API of winsandbox.
#pragma once

#include "winsandbox/capture.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/ipc.hpp"
#include "winsandbox/command_line.hpp"
#include "winsandbox/child_env.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"
#include "winsandbox/session.hpp"
#include "winsandbox/snapshot_fs.hpp"
#include "winsandbox/version.hpp"
