#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the fuzz targets into corpus/<target>/seed_*.

Seeds are small, readable inputs that reach each target's interesting branches; libFuzzer
grows its own corpus from them (tools/dev/fuzz.sh --merge folds minimized finds back in as
files named by their SHA-1). Run again after editing the lists; it only (re)writes seed_* files.
"""
import json
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "data"


def sp(kind, **extra):
    return {"type": "special", "value": {"kind": kind, **extra}}


def entry(path, access):
    return {"path": path, "access": access}


def managed(entries, network="restricted", **fs_extra):
    return {"type": "managed",
            "file_system": {"type": "restricted", "entries": entries, **fs_extra},
            "network": network}


def dumps(doc):
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def nested_arrays(depth, inner=""):
    return "[" * depth + inner + "]" * depth


def many_keys(count, prefix="k"):
    return ",".join(f'"{prefix}{i}":{i}' for i in range(count))


def hostile_json_seeds(wrap):
    """JSON shapes that once crashed or stalled a parse: `wrap(text)` embeds one in a document."""
    return {
        "nesting_64": wrap(nested_arrays(64, "0")),
        "nesting_65": wrap(nested_arrays(65, "0")),
        "nesting_objects_65": wrap('{"k":' * 65 + "0" + "}" * 65),
        "bracket_flood": "[" * 65536,
        "many_keys": wrap("{" + many_keys(5000) + "}"),
    }


def profile_seeds():
    ws = [entry(sp("root"), "read"), entry(sp("project_roots"), "write"),
          entry(sp("slash_tmp"), "write"), entry(sp("tmpdir"), "write"),
          entry(sp("project_roots", subpath=".git"), "read"),
          entry(sp("project_roots", subpath=".agents"), "read"),
          entry(sp("project_roots", subpath=".codex"), "read")]
    seeds = {
        "workspace_write": dumps(managed(ws)),
        "read_only": dumps(managed([entry(sp("root"), "read")])),
        "disabled": '{"type":"disabled"}',
        "external": '{"type":"external","network":"enabled"}',
        "unrestricted": '{"type":"managed","file_system":{"type":"unrestricted"},"network":"enabled"}',
        "empty_entries": dumps(managed([])),
        "glob_depth": dumps(managed([entry({"type": "glob_pattern", "pattern": "**/*.env"}, "deny")],
                                    glob_scan_max_depth=2)),
        "project_glob": dumps(managed([entry(sp("root"), "read"), entry(sp("project_roots"), "write"),
                                       entry({"type": "glob_pattern",
                                              "pattern": "codex-project-roots://**/[!a-c]?.env"},
                                             "none")])),
        "exact_paths": dumps(managed([entry({"type": "path", "path": "c:/repo/docs"}, "read"),
                                      entry({"type": "path", "path": "D:\\scratch"}, "write"),
                                      entry({"type": "path", "path": "C:\\repo\\secret"}, "deny"),
                                      entry(sp("project_roots", subpath=".git"), "deny")],
                                     network="enabled")),
        "unknown_special": dumps(managed([entry(sp("unknown", path=":future", subpath="x"), "write"),
                                          entry(sp("minimal"), "read")])),
        "cwd_alias": dumps(managed([entry(sp("current_working_directory"), "write")])),
        "full_disk_write": dumps(managed([entry(sp("root"), "write")])),
        "full_disk_write_narrowed": dumps(managed([entry(sp("root"), "write"),
                                                   entry({"type": "path", "path": "C:\\Windows"}, "read")])),
        "unc_root": dumps(managed([entry(sp("root"), "read"),
                                   entry({"type": "path", "path": "\\\\server\\share\\x"}, "write")])),
        "remote_drive": dumps(managed([entry({"type": "path", "path": "L:\\data"}, "write"),
                                       entry(sp("project_roots"), "write")])),
        "subpath_escape": dumps(managed([entry(sp("project_roots", subpath="..\\..\\x"), "write")])),
        "junction_root": dumps(managed([entry({"type": "path", "path": "C:\\alias"}, "write"),
                                        entry({"type": "path", "path": "C:\\repo\\link"}, "write")])),
        "legacy_untagged": '{"network":{"enabled":false},"file_system":{"write":["C:\\\\repo"],"read":["C:\\\\docs","D:\\\\ref"]}}',
        "legacy_entries": '{"network":{"enabled":true},"file_system":{"entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"write"}],"glob_scan_max_depth":2}}',
        "legacy_minimal": '{"network":{}}',
        "bad_type": '{"type":"sandboxed"}',
        "bad_depth": dumps(managed([], glob_scan_max_depth=0)),
        "relative": '{"file_system":{"read":["relative\\\\dir"]}}',
        "verbatim_paths": dumps(managed([entry({"type": "path", "path": "\\\\?\\C:\\Repo\\"}, "write"),
                                         entry({"type": "path", "path": "\\\\?\\UNC\\srv\\sh\\x"}, "read"),
                                         entry({"type": "path", "path": "\\\\.\\pipe\\x"}, "read")])),
    }
    for f in sorted((DATA / "profiles").glob("*.json")):
        seeds["data_" + f.stem.replace("-", "_")] = f.read_text()
    seeds.update(hostile_json_seeds(lambda v: '{"type":"managed","x":' + v + "}"))
    seeds["many_keys_top"] = '{"type":"disabled",' + many_keys(5000) + "}"
    seeds["duplicate_type"] = ('{"type":"managed","file_system":{"type":"restricted",'
                               '"type":"unrestricted"},"network":"restricted"}')
    seeds["duplicate_access"] = dumps(managed([entry(sp("root"), "read")])).replace(
        '"access":"read"', '"access":"read","access":"write"')
    return seeds


def policy_seeds():
    return {
        "preset_read_only": "read-only",
        "preset_workspace_write": "workspace-write",
        "preset_danger": "danger-full-access",
        "preset_external": "external-sandbox",
        "json_read_only": '{"type":"read-only","network_access":true}',
        "json_workspace_full": '{"type":"workspace-write","writable_roots":["C:\\\\extra","D:\\\\extra","C:\\\\repo","c:/extra"],"network_access":false,"exclude_tmpdir_env_var":true,"exclude_slash_tmp":false}',
        "json_workspace_min": '{"type":"workspace-write"}',
        "json_external": '{"type":"external-sandbox","network_access":"enabled"}',
        "json_danger": '{"type":"danger-full-access"}',
        "json_unknown_field": '{"type":"read-only","future_field":1}',
        "json_relative_root": '{"type":"workspace-write","writable_roots":["rel"]}',
        "json_bad_network": '{"type":"read-only","network_access":"yes"}',
        "json_no_type": '{"network_access":true}',
        "json_cwd_subdir": '{"type":"workspace-write","writable_roots":["C:\\\\repo\\\\sub","\\\\\\\\?\\\\C:\\\\repo\\\\.git"]}',
        "preset_spaces": " read-only ",
    }


def path_seeds():
    paths = [
        r"C:\x", "c:/x", "C:\\", "c:/", "C:\\\\\\", r"C:\Users\Dev\Repo" + "\\", r"C:\\a//b\/c",
        r"C:\a\.\b\..\c", r"C:\a\b\..\..", r"C:\..\..\x", "C:/./.", "C:\\Ärger\\Ωmega\\Привет",
        r"C:\a\..b", r"\\server\share\x", "//server/share/x/", r"\\server\share",
        r"\\server\share\..\..\x", r"\/server\\share\\a\.\b", r"\\?\C:\x", r"\\?\c:\Users\Dev",
        r"\??\C:\x", r"\\?\C:\a\\b" + "\\", r"\\?\UNC\server\share\repo", r"\\?\unc\server\share",
        r"\??\UNC\server\share\x", r"\\?\C:", r"\\.\C:", r"\\.\pipe\winsandbox-runner-in",
        r"\\.\COM1", r"\\?\GLOBALROOT\Device\HarddiskVolume1\x", "relative\\x", "C:x", "\\x", "",
        r"\\server", "C:\\a\x00b", "C:\\\udcff\udcfe", "C:\\ǅ\\ß\\İ\\ﬁ",
    ]
    seeds = {f"single_{i:02d}": p for i, p in enumerate(paths)}
    pairs = [(r"C:\a\b", r"c:/A"), (r"C:\ab", r"C:\a"), (r"\\?\C:\x", r"C:\X"),
             (r"\\srv\sh\x\y", r"\\SRV\SH"), (r"C:\a", r"D:\a"), (r"\\.\pipe\a\b", r"\\.\pipe")]
    for i, (a, b) in enumerate(pairs):
        seeds[f"pair_{i:02d}"] = a + "\n" + b
    return seeds


def frame(body: bytes) -> bytes:
    return struct.pack("<I", len(body)) + body


def ipc_seeds():
    seeds = {}
    examples = (DATA / "ipc" / "examples.jsonl").read_text().splitlines()
    for i, body in enumerate(examples):
        seeds[f"frame_{i:02d}"] = frame(body.encode())
        seeds[f"json_{i:02d}"] = body
    seeds["stream_all"] = (DATA / "ipc" / "examples.frames").read_bytes()
    for name in ["not_json", "oversized", "truncated_body", "truncated_header", "unknown_type",
                 "version1", "version3"]:
        seeds["data_" + name] = (DATA / "ipc" / f"{name}.frames").read_bytes()
    spawn = json.loads(examples[0])
    spawn["payload"]["workspace_roots"] = ["C:\\workspace", "D:\\other"]
    spawn["payload"]["env"] = {"PATH": "C:\\Windows", "Path": "dup", "TEMP": "C:\\t"}
    spawn["payload"]["timeout_ms"] = None
    spawn["payload"]["extra"] = {"ignored": [1, 2]}
    seeds["frame_spawn_variant"] = frame(dumps(spawn).encode())
    seeds["frame_bad_base64"] = frame(b'{"version":2,"type":"output","payload":{"data_b64":"aGVsbG8","stream":"stdout"}}')
    seeds["frame_empty"] = frame(b"")
    spawn_body = dumps(json.loads(examples[0]))
    for name, body in hostile_json_seeds(
            lambda v: spawn_body.replace('"tty":false', '"tty":false,"x":' + v)).items():
        seeds["frame_" + name] = frame(body.encode())
    seeds["frame_timeout_nested_62"] = frame(
        spawn_body.replace('"timeout_ms":1000', '"timeout_ms":' + nested_arrays(62)).encode())
    env_many = ",".join(f'"V{i}":"x"' for i in range(2000))
    seeds["frame_env_many_keys"] = frame(
        spawn_body.replace('"env":{}', '"env":{' + env_many + "}").encode())
    seeds["frame_duplicate_type"] = frame(
        b'{"version":2,"type":"terminate","type":"spawn_ready","payload":{"process_id":1}}')
    seeds["frame_duplicate_env"] = frame(
        spawn_body.replace('"env":{}', '"env":{"PATH":"a","PATH":"b"}').encode())
    seeds["frame_zero_length_then_eof"] = b"\x00\x00"
    return seeds


def command_line_seeds():
    argvs = [
        ["prog.exe", "a", "b"], ["cmd.exe", "/c", '"C:\\Program Files\\pwsh.exe" -NoProfile'],
        ["pwsh.exe", "-Command", 'Write-Output "hello world"'], ["p", ""], ["p", "a b\\"],
        ["p", 'x\\"y'], ["p", "a\tb", "line1\nline2", "a\rb"], ["p", "", "", "x", ""],
        ["p", '"'], ["p", 'a""b'], ["p", "a\\\\\"b"], ["p", "c d\\\\\\"], ["C:\\My Tools\\", "x"],
        ["", "x"], ["a\tb.exe"], ["a\x01b.exe", "y"], ["C:\\Program Files\\Ünï\\prog.exe", "日本語 テキスト"],
        ['C:\\a"b.exe', "x"], ["p", "\x0b", "\x0c"],
    ]
    seeds = {f"argv_{i:02d}": "\x00".join(a) for i, a in enumerate(argvs)}
    lines = ['"C:\\Program Files\\x.exe" a "b c" d\\"e', 'prog ""  "" \\\\"', "   leading",
             'a"b c', 'x "unterminated \\', 'p a\\\\\\"b "c""d"']
    for i, line in enumerate(lines):
        seeds[f"line_{i:02d}"] = line
    return seeds


def snapshot_seeds():
    repo = (DATA / "snapshots" / "repo.json").read_text()
    def nodes(*items, remote=None):
        doc = {"nodes": [dict(zip(("path", "type", *(("target",) if len(i) > 2 else ())), i)) for i in items]}
        if remote:
            doc["remote_drives"] = remote
        return dumps(doc)
    seeds = {
        "0_repo": "0" + repo, "1_repo": "1" + repo, "2_repo": "2" + repo, "3_repo": "3" + repo,
        "0_gitdir": "0" + dumps({"nodes": [
            {"path": "C:\\repo\\.git", "type": "file", "content": "gitdir: C:\\gits\\repo"},
            {"path": "C:\\gits\\repo\\hooks", "type": "dir"},
            {"path": "C:\\repo\\a\\b\\.env", "type": "file", "content": "X"},
            {"path": "C:\\Users\\dev\\AppData\\Local\\Temp", "type": "dir"}]}),
        "0_repo_is_junction": "0" + nodes(("C:\\real\\.git", "dir"), ("C:\\repo", "junction", "C:\\real")),
        "0_repo_on_unc": "0" + nodes(("C:\\repo", "symlink", "\\\\server\\share\\repo")),
        "1_link_cycle": "1" + nodes(("C:\\a", "junction", "C:\\b"), ("C:\\b", "junction", "C:\\a"),
                                    ("C:\\repo", "dir")),
        "1_dangling": "1" + nodes(("C:\\repo\\gone", "symlink", "C:\\nowhere")),
        "2_two_roots": "2" + dumps({"nodes": [
            {"path": "C:\\repo\\secret\\key", "type": "file"},
            {"path": "C:\\repo\\docs\\id_rsa", "type": "file"},
            {"path": "C:\\other\\x\\id_ed25519", "type": "file"},
            {"path": "C:\\other\\.agents", "type": "dir"},
            {"path": "D:\\scratch\\.codex", "type": "dir"}], "remote_drives": ["L:", "m:"]}),
        "2_scratch_remote": "2" + nodes(("D:\\scratch", "dir"), remote=["D:"]),
        "3_docs_link": "3" + nodes(("C:\\docs", "symlink", "C:\\repo\\docs"), ("C:\\repo\\docs\\a", "file")),
        "0_bad_type": "0" + '{"nodes":[{"path":"C:\\\\x","type":"pipe"}]}',
        "0_relative": "0" + '{"nodes":[{"path":"x","type":"dir"}]}',
        "0_missing_target": "0" + '{"nodes":[{"path":"C:\\\\x","type":"junction"}]}',
        "0_not_json": "0{",
        "0_duplicate_path": "0" + '{"nodes":[{"path":"C:\\\\repo","type":"dir","path":"C:\\\\x"}]}',
        "0_duplicate_nodes": "0" + '{"nodes":[],"nodes":[{"path":"C:\\\\x","type":"dir"}]}',
    }
    for name, text in hostile_json_seeds(lambda v: '{"nodes":[],"x":' + v + "}").items():
        seeds["0_" + name] = "0" + text
    return seeds


def runner_frame_seeds():
    """Byte 0 picks when the child's stdin breaks; the rest is the runner's input pipe."""
    examples = (DATA / "ipc" / "examples.jsonl").read_text().splitlines()
    def env(type_, payload):
        return frame(dumps({"version": 2, "type": type_, "payload": payload}).encode())
    stdin = env("stdin", {"data_b64": "aGVsbG8="})
    close = env("close_stdin", {})
    resize = env("resize", {"rows": 30, "cols": 100})
    terminate = env("terminate", {})
    seeds = {
        "spawn_request_only": b"\xff" + frame(examples[0].encode()),
        "session_inputs": b"\xff" + stdin + stdin + resize + close + stdin + terminate,
        "stdin_breaks": b"\x01" + stdin + stdin + stdin + close,
        "stray_exit": b"\xff" + stdin + env("exit", {"exit_code": 0, "timed_out": False}) + stdin,
        "second_spawn_request": b"\xff" + stdin + frame(examples[0].encode()),
        "truncated": b"\xff" + stdin + stdin[:7],
        "version1": b"\xff" + (DATA / "ipc" / "version1.frames").read_bytes(),
        "garbage": b"\xff" + (DATA / "ipc" / "not_json.frames").read_bytes(),
        "empty": b"",
        "close_then_stdin": b"\x00" + close + stdin + resize + terminate + terminate,
        "big_stdin": b"\x02" + env("stdin", {"data_b64": "QUJD" * 300}) + stdin,
    }
    return seeds


def glob_cache_seeds():
    env, ids, pem = "C:\\repo\\**\\*.env", "C:\\repo\\*\\id_*", "\\\\server\\share\\**\\*.pem"
    empty_time = 0xcbf29ce484222325 >> 1  # the snapshot's change time of an empty directory

    def d(path, time, *entries, identity=None):
        return {"path": path, "identity": path.upper() if identity is None else identity, "change_time": time,
                "entries": [list(e) for e in entries]}

    def doc(pattern, max_depth, *directories, version=1):
        return dumps({"version": version, "pattern": pattern, "max_depth": max_depth,
                      "directories": list(directories)})

    walk = [d("C:\\repo", 11, ("a", "dir"), ("b", "dir"), ("empty", "dir"), ("link", "junction")),
            d("C:\\repo\\a", 12, ("one.env", "file")),
            d("C:\\repo\\b", 13, ("c", "dir")),
            d("C:\\repo\\b\\c", 14, ("two.env", "file")),
            d("C:\\repo\\empty", empty_time)]
    seeds = {
        "0_walk": "0" + doc(env, None, *walk),
        "0_empty_dir_forged": "0" + doc(env, None, d("C:\\repo\\empty", empty_time,
                                                     ("ghost.env", "file"), ("deeper", "dir"))),
        "0_no_directories": "0" + doc(env, None),
        "1_walk": "1" + doc(env, 1, *walk[:2]),
        "2_walk": "2" + doc(ids, 2, d("C:\\repo", 11, ("b", "dir"), ("link", "junction")),
                            d("C:\\repo\\b", 13, ("c", "dir"), ("id_rsa", "file"))),
        "3_walk": "3" + doc(pem, None, d("\\\\server\\share", 21, ("x", "dir")),
                            d("\\\\server\\share\\x", 22, ("k.pem", "file"), ("l", "symlink"))),
        "0_foreign_pattern": "0" + doc(ids, 2, *walk[:1]),
        "1_foreign_depth": "1" + doc(env, None, *walk[:1]),
        "0_version_2": "0" + doc(env, None, version=2),
        "0_version_0": "0" + doc(env, None, version=0),
        "0_outside_root": "0" + doc(env, None, d("C:\\other", 1)),
        "0_relative_path": "0" + doc(env, None, d("repo", 1)),
        "0_name_separator": "0" + doc(env, None, d("C:\\repo", 1, ("a\\b", "dir"))),
        "0_name_dot_dot": "0" + doc(env, None, d("C:\\repo", 1, ("..", "dir"))),
        "0_name_trailing_dot": "0" + doc(env, None, d("C:\\repo", 1, ("a.", "file"))),
        "0_unknown_kind": "0" + doc(env, None, d("C:\\repo", 1, ("a", "pipe"))),
        "0_listed_twice": "0" + doc(env, None, walk[1], d("c:\\REPO\\A", 3)),
        "0_empty_identity": "0" + doc(env, None, d("C:\\repo", 1, identity="")),
        "0_float_time": "0" + doc(env, None, d("C:\\repo", 1.5)),
        "0_huge_time": "0" + doc(env, None, d("C:\\repo", 2 ** 64)),
        "0_not_json": "0{\"version\":1,",
        "0_unknown_field": "0" + doc(env, None)[:-1] + ',"extra":1}',
        "0_duplicate_pattern": "0" + doc(env, None).replace('"pattern"', '"pattern":"x","pattern"', 1),
    }
    for name, text in hostile_json_seeds(lambda v: doc(env, None)[:-1] + ',"x":' + v + "}").items():
        seeds["0_" + name] = "0" + text
    return seeds


def setup_json_seeds():
    """Selector byte '0' request, '1' marker, '2' error report, '3' port ranges."""
    request = {
        "version": 2, "offline_username": "WinSandboxOffline", "online_username": "WinSandboxOnline",
        "group_name": "WinSandboxUsers", "sandbox_home": "C:\\Users\\alice\\.winsandbox",
        "workspace_roots": ["C:\\repo"], "network_identity": "offline",
        "read_roots": ["C:\\Windows", "C:\\repo"],
        "write_roots": ["C:\\repo", "D:\\scratch"],
        "write_root_sids": ["S-1-5-21-1-2-3-4", "S-1-5-21-5-6-7-8"],
        "deny_read_paths": ["C:\\repo\\.env"],
        "deny_write_paths": ["C:\\repo\\.git", "E:\\x"],
        "proxy_ports": [8080], "proxy_port_policy": "9000-9100", "allow_local_binding": False,
        "real_user": "alice", "mode": "full"}
    marker = {
        "version": 2, "offline_username": "WinSandboxOffline", "online_username": "WinSandboxOnline",
        "group_name": "WinSandboxUsers", "group_sid": "S-1-5-21-1-2-3-1001",
        "offline_sid": "S-1-5-21-1-2-3-1002", "online_sid": "S-1-5-21-1-2-3-1003",
        "created_at": "2026-12-06T00:00:00Z", "permitted_proxy_ports": "8080,9000-9100",
        "allow_local_binding": False, "system": "windows"}
    report = {"code": "firewall_policy_ineffective", "stage": "firewall",
              "message": "group policy overrides local rules", "windows_error": 5}

    def variant(doc, **changes):
        out = dict(doc)
        for key, value in changes.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = value
        return out

    seeds = {
        "0_request": "0" + dumps(request),
        "0_request_online_refresh": "0" + dumps(variant(request, network_identity="online",
                                                         mode="refresh", proxy_ports=[],
                                                         proxy_port_policy="")),
        "0_request_uninstall": "0" + dumps(variant(request, mode="uninstall")),
        "0_request_no_roots": "0" + dumps(variant(request, write_roots=[], write_root_sids=[],
                                                   mode="provision-only")),
        "0_request_sid_count": "0" + dumps(variant(request, write_root_sids=["S-1-5-21-1-2-3-4"])),
        "0_request_version_1": "0" + dumps(variant(request, version=1)),
        "0_request_bad_policy": "0" + dumps(variant(request, proxy_port_policy="9100-9000")),
        "0_request_nested_roots": "0" + dumps(variant(
            request, write_roots=["C:\\repo", "C:\\repo\\sub"],
            deny_write_paths=["C:\\repo\\sub\\.git", "C:\\", "F:\\"])),
        "1_marker": "1" + dumps(marker),
        "1_marker_fake_null_time": "1" + dumps(variant(marker, system="fake", created_at=None)),
        "1_marker_bad_sid": "1" + dumps(variant(marker, group_sid="WinSandboxUsers")),
        "1_marker_unknown_key": "1" + dumps(variant(marker, proxy_ports=[8080])),
        "2_report": "2" + dumps(report),
        "2_report_no_windows_error": "2" + dumps(variant(report, windows_error=None, code="unknown")),
        "2_report_unknown_code": "2" + dumps(variant(report, code="helper_unknown_error")),
        "2_report_big_error": "2" + dumps(variant(report, windows_error=4294967296)),
        "3_ports": "38080,9000-9100",
        "3_ports_edges": "31,65535",
        "3_ports_all": "31-65535",
        "3_ports_spaces": "3 80 , 81-90 ,1",
        "3_ports_empty": "3",
        "3_ports_bad": "30,65536,9-1,,",
    }
    for name, text in hostile_json_seeds(lambda v: dumps(request)[:-1] + ',"x":' + v + "}").items():
        seeds["0_" + name] = "0" + text
    return seeds


TARGETS = {
    "fuzz_profile_json": profile_seeds,
    "fuzz_policy_string": policy_seeds,
    "fuzz_win_path": path_seeds,
    "fuzz_ipc_frame": ipc_seeds,
    "fuzz_command_line": command_line_seeds,
    "fuzz_snapshot_resolve": snapshot_seeds,
    "fuzz_runner_frames": runner_frame_seeds,
    "fuzz_glob_cache": glob_cache_seeds,
    "fuzz_setup_json": setup_json_seeds,
}


def main() -> None:
    for target, make in TARGETS.items():
        out = HERE / "corpus" / target
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("seed_*"):
            old.unlink()
        for name, data in make().items():
            if isinstance(data, str):
                data = data.encode("utf-8", "surrogateescape")
            (out / f"seed_{name}").write_bytes(data)


if __name__ == "__main__":
    main()
