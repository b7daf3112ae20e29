"""A seccomp filter that takes the network away from a query process: after :func:`deny_network`, ``socket()`` for
any family but ``AF_UNIX`` fails with ``EACCES`` (so no TCP, UDP or DNS, whatever the query or the engine tries),
and so does ``io_uring_setup`` (which could open sockets behind the filter's back).

The filter is a classic BPF program handed to ``prctl(PR_SET_SECCOMP)``, after ``PR_SET_NO_NEW_PRIVS``, which any
unprivileged process may do. It cannot be removed, and children inherit it. Linux on x86-64 and AArch64 only; on
anything else :func:`deny_network` returns ``False`` and the query checks are the only defence.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct
import sys

PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000
AF_UNIX = 1
# architecture -> (AUDIT_ARCH_* value, socket syscall number, io_uring_setup syscall number)
ARCHITECTURES = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}
_LD_W_ABS, _JEQ_K, _RET_K = 0x20, 0x15, 0x06  # BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_RET|BPF_K
_ARCH, _NR, _ARG0 = 4, 0, 16  # offsets in struct seccomp_data (args[0]'s low half on little-endian machines)


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _statement(code: int, k: int, true: int = 0, false: int = 0) -> bytes:
    return struct.pack("HBBI", code, true, false, k)


def program(arch: str) -> bytes:
    """The filter for ``arch`` (a key of :data:`ARCHITECTURES`) as BPF instructions."""
    audit_arch, socket_nr, uring_nr = ARCHITECTURES[arch]
    denied = SECCOMP_RET_ERRNO | errno.EACCES
    return b"".join(
        [
            _statement(_LD_W_ABS, _ARCH),
            _statement(_JEQ_K, audit_arch, 1, 0),
            _statement(_RET_K, SECCOMP_RET_KILL_PROCESS),  # a foreign syscall ABI: never expected
            _statement(_LD_W_ABS, _NR),
            _statement(_JEQ_K, uring_nr, 0, 1),
            _statement(_RET_K, denied),
            _statement(_JEQ_K, socket_nr, 0, 3),
            _statement(_LD_W_ABS, _ARG0),
            _statement(_JEQ_K, AF_UNIX, 1, 0),
            _statement(_RET_K, denied),
            _statement(_RET_K, SECCOMP_RET_ALLOW),
        ]
    )


def deny_network() -> bool:
    """Install the filter in this process; ``False`` (and nothing changed) where it is not supported."""
    arch = platform.machine().lower()
    if not sys.platform.startswith("linux") or arch not in ARCHITECTURES:
        return False
    code = program(arch)
    buffer = ctypes.create_string_buffer(code, len(code))
    prog = _Program(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return bool(libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0)
