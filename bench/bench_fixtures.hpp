// Generated inputs for the native benchmarks: profiles of N entries, snapshot trees of N nodes,
// and the capability SIDs and plan options that go with a resolution. Built once per size and
// cached, so that benchmarks time only the operation under test.
#pragma once

#include <cstddef>
#include <string>

#include "winsandbox/acl_plan.hpp"
#include "winsandbox/capability_sids.hpp"
#include "winsandbox/environment.hpp"
#include "winsandbox/profile.hpp"
#include "winsandbox/resolve.hpp"
#include "winsandbox/snapshot_fs.hpp"

namespace winsandbox::bench {

// Everything resolve() and plan_acl() take for one scenario.
struct Scenario {
  PermissionProfile profile;
  SnapshotFileSystem fs;
  ProfileBinding binding;
  WinPath cwd;
  Environment env;
  CapabilitySids sids;             // for the writable roots of the resolved scenario
  AclPlanOptions options;          // elevated: with a sandbox group, so deny-read is planned
  std::size_t snapshot_nodes = 0;  // nodes listed in the snapshot JSON
};

// A workspace-write profile (root read, project roots + TEMP + D:\scratch write, `.git` read, one
// deny-read glob) plus `entries - 6` generated entries cycling through three kinds: a read
// entry outside the workspace, a read carve-out inside it (a deny-write ACE) and a deny entry
// inside it (a deny-read ACE). The snapshot holds every path the profile names (about `entries`
// nodes). Writable roots stay fixed (a token carries at most 64 capability SIDs).
const Scenario& profile_scenario(std::size_t entries);

// The fixed workspace-write profile over a repository tree of `nodes` files under C:\repo
// (three directory levels, 1 in 100 files a `.env` that the deny-read glob matches).
const Scenario& tree_scenario(std::size_t nodes);

// The fixed workspace-write profile, with or without its deny-read glob, over `files` files in
// `dirs` directories under C:\repo (1 in 100 files a `.env`).
const Scenario& walk_scenario(std::size_t files, std::size_t dirs, bool with_glob);

// The snapshot JSON of tree_scenario(nodes) (for the load benchmark).
const std::string& tree_snapshot_json(std::size_t nodes);

// resolve() + plan_acl() for a scenario: what the library does before every command.
AclPlan resolve_and_plan(const Scenario& scenario);

}  // namespace winsandbox::bench
