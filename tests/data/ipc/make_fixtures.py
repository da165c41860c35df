#!/usr/bin/env python3
"""Regenerates the runner IPC fixtures in this directory from the example bodies of
docs/elevated.md#example-frames (with codex_home/real_codex_home renamed to
sandbox_home/real_sandbox_home). Independent of the C++ codec on purpose: the unit test
IpcFrame.CliFixturesMatchTheGoldenExamples checks that both agree."""
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent

EXAMPLES = [
    r'{"version":2,"type":"spawn_request","payload":{"command":["cmd.exe","/c","ver"],"cwd":"C:\\workspace","env":{},"permission_profile":{"type":"managed","file_system":{"type":"restricted","entries":[{"path":{"type":"special","value":{"kind":"root"}},"access":"read"}]},"network":"restricted"},"permission_profile_cwd":"C:\\workspace","sandbox_home":"C:\\codex","real_sandbox_home":"C:\\Users\\codex","cap_sids":["S-1-15-3-1024-1"],"timeout_ms":1000,"tty":false,"stdin_open":false,"use_private_desktop":false}}',
    r'{"version":2,"type":"spawn_ready","payload":{"process_id":4242}}',
    r'{"version":2,"type":"output","payload":{"data_b64":"aGVsbG8=","stream":"stdout"}}',
    r'{"version":2,"type":"output","payload":{"data_b64":"b29wcw0K","stream":"stderr"}}',
    r'{"version":2,"type":"exit","payload":{"exit_code":0,"timed_out":false}}',
    r'{"version":2,"type":"exit","payload":{"exit_code":192,"timed_out":true}}',
    r'{"version":2,"type":"error","payload":{"message":"runner: unsupported protocol version 1","code":"spawn_failed"}}',
    r'{"version":2,"type":"stdin","payload":{"data_b64":"ZGlyDQo="}}',
    r'{"version":2,"type":"close_stdin","payload":{}}',
    r'{"version":2,"type":"resize","payload":{"rows":24,"cols":80}}',
    r'{"version":2,"type":"terminate","payload":{}}',
]


def frame(body: bytes) -> bytes:
    return struct.pack("<I", len(body)) + body


def main() -> None:
    bodies = [e.encode() for e in EXAMPLES]
    assert len(bodies[0]) == 506  # 502 in the reference + 2 x len("sandbox") - len("codex")
    frames = b"".join(frame(b) for b in bodies)
    files = {
        "examples.jsonl": "".join(e + "\n" for e in EXAMPLES).encode(),
        "examples.frames": frames,
        "examples_crlf.jsonl": ("\r\n" + "\r\n  \r\n".join(EXAMPLES) + "\r\n\r\n").encode(),
        # Error cases for `winsandbox ipc decode`.
        "truncated_header.frames": frame(bodies[1]) + b"\x40\x00",
        "truncated_body.frames": frame(bodies[1]) + frame(bodies[1])[:-1],
        "oversized.frames": frame(bodies[1]) + struct.pack("<I", 8 * 1024 * 1024 + 1) + b"{}",
        "version1.frames": frame(bodies[10].replace(b'"version":2', b'"version":1')),
        "version3.frames": frame(bodies[10].replace(b'"version":2', b'"version":3')),
        "unknown_type.frames": frame(b'{"version":2,"type":"reboot","payload":{}}'),
        "not_json.frames": frame(b"hello, runner"),
        # Error case for `winsandbox ipc encode`: line 2 is a v3 message.
        "version3.jsonl": (EXAMPLES[1] + "\n" + EXAMPLES[10].replace('"version":2', '"version":3')
                           + "\n").encode(),
    }
    for name, data in files.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
