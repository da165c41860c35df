// Umbrella header: the whole public API of winsandbox.
#pragma once

#include "winsandbox/acl_plan.hpp"
#include "winsandbox/capability_sids.hpp"
#include "winsandbox/child_env.hpp"
#include "winsandbox/command_line.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/error.hpp"
#include "winsandbox/fs_view.hpp"
#include "winsandbox/ipc.hpp"
#include "winsandbox/legacy_policy.hpp"
#include "winsandbox/path.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"
#include "winsandbox/setup_request.hpp"
#include "winsandbox/snapshot_fs.hpp"
#include "winsandbox/spawn_context.hpp"
#include "winsandbox/version.hpp"
