"""把一份提交关进沙箱：Linux 的 bwrap（Debian 包 ``bubblewrap``）加资源上限与一条禁止新建进程的 seccomp 规则。

沙箱里能看到的只有只读的系统目录（``/usr`` 等）、Python 与本书的包（只读），以及一个只属于这份提交的可写
tmpfs；没有网络，有自己的 PID 名字空间（看不见也碰不到评分程序和同学），``--die-with-parent`` 与新的会话。
整个进程组在结束时被杀掉，沙箱里的进程随 PID 名字空间一起消失。没有 bwrap 或用户名字空间被关掉时，
:func:`sandbox_problem` 说明原因和安装方法；评分程序只在教师明确给出 ``--no-sandbox`` 时才不用沙箱运行。
"""

from __future__ import annotations

import os
import platform
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import wordvec_rnn

INSTALL_HINT = ("请安装 bubblewrap（Debian/Ubuntu：sudo apt install bubblewrap；Fedora：sudo dnf install bubblewrap），"
                "并确认允许非特权用户名字空间（sysctl kernel.unprivileged_userns_clone=1；Ubuntu 24.04 另见 AppArmor 的 "
                "userns 限制）。macOS 与 Windows 没有 bwrap：在 Linux 虚拟机或容器里评分。")


@dataclass(frozen=True)
class Limits:
    """沙箱的资源上限：内存（字节）、CPU 秒数、单个文件大小、可写 tmpfs 的大小、打开文件数。"""

    memory: int = 2 * 2**30
    cpu: int = 600
    file_size: int = 64 * 2**20
    tmpfs: int = 256 * 2**20
    open_files: int = 256
    processes: int = 64

    def for_sandbox(self, sandboxed: bool = True) -> dict:
        """交给沙箱进程自己设的上限。进程数只在沙箱里设：没有沙箱时 RLIMIT_NPROC 数的是教师这个用户的全部进程。"""
        limits = {"memory": self.memory, "cpu": self.cpu, "file_size": self.file_size, "open_files": self.open_files}
        return limits | ({"processes": self.processes} if sandboxed else {})


# ---------------------------------------------------------------- seccomp：不许新建进程（线程可以）

_ARCH = {"x86_64": (0xC000003E, {"fork": 57, "vfork": 58, "clone": 56, "clone3": 435}),
         "aarch64": (0xC00000B7, {"clone": 220, "clone3": 435})}
_ALLOW, _KILL, _ERRNO = 0x7FFF0000, 0x80000000, 0x00050000
_EPERM, _ENOSYS, _CLONE_THREAD = 1, 38, 0x00010000


def seccomp_program(machine: str | None = None) -> bytes | None:
    """一段经典 BPF 程序：``fork``/``vfork`` 与不带 ``CLONE_THREAD`` 的 ``clone`` 返回 EPERM，``clone3`` 返回 ENOSYS
    （glibc 随后改用 ``clone``），别的架构的系统调用直接结束进程。不认识的机器架构返回 None。"""
    arch, numbers = _ARCH.get(machine or platform.machine(), (None, None))
    if arch is None:
        return None
    program = [("ld", 4), ("jeq", arch, None, "kill"), ("ld", 0)]
    if "fork" in numbers:
        program += [("jge", 0x40000000, "kill", None)]  # x32 的系统调用号
    program += [("jeq", numbers["clone3"], "enosys", None)]
    program += [("jeq", numbers[name], "eperm", None) for name in ("fork", "vfork") if name in numbers]
    program += [("jeq", numbers["clone"], None, "allow"), ("ld", 16), ("jset", _CLONE_THREAD, "allow", "eperm")]
    labels = {"allow": _ALLOW, "eperm": _ERRNO | _EPERM, "enosys": _ERRNO | _ENOSYS, "kill": _KILL}
    returns = {name: len(program) + i for i, name in enumerate(labels)}
    codes = {"ld": 0x20, "jeq": 0x15, "jge": 0x35, "jset": 0x45}
    out = []
    for i, (op, k, *jumps) in enumerate(program):
        jt, jf = ((returns[j] - i - 1) if j else 0 for j in (jumps or [None, None]))
        out.append(struct.pack("=HBBI", codes[op], jt, jf, k))
    out += [struct.pack("=HBBI", 0x06, 0, 0, value) for value in labels.values()]
    return b"".join(out)


# ---------------------------------------------------------------- bwrap 的命令行

def readable_paths() -> list[Path]:
    """沙箱里只读可见的目录：Python、虚拟环境、本书的包与沙箱里运行的本包（系统目录之外）。"""
    packages = (Path(wordvec_rnn.__file__).parent, Path(__file__).parent)
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), *(p.resolve() for p in packages)}
    return sorted(p for p in paths if not _is_system(p))


def _is_system(path: Path) -> bool:
    return path.parts[:2] in {("/", "usr")}


def _system_binds() -> list[str]:
    args = []
    for name in ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "fonts", "alternatives", "localtime"):
        if (Path("/etc") / name).exists():
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    return args


def server_command(label: str = "") -> list[str]:
    """沙箱里运行的进程（``label`` 只为在进程表里认出本次评分的沙箱）。"""
    return [sys.executable, "-I", "-m", "wordvec_classroom.sandbox", *([label] if label else [])]


def bwrap_command(limits: Limits, seccomp_fd: int | None, program: list[str]) -> list[str]:
    """在沙箱里运行 ``program`` 的完整命令。"""
    command = ["bwrap", *_system_binds(), "--proc", "/proc", "--dev", "/dev", "--size", str(limits.tmpfs), "--tmpfs", "/tmp"]
    for path in readable_paths():  # 在 tmpfs 之后：放在 /tmp 下的虚拟环境不会被它盖住
        command += ["--ro-bind", str(path), str(path)]
    command += ["--dir", "/tmp/work", "--chdir", "/tmp/work",
                "--unshare-all", "--unshare-user", "--disable-userns", "--uid", "65534", "--gid", "65534",
                "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"]
    for key, value in sandbox_environment("/tmp/work").items():
        command += ["--setenv", key, value]
    if seccomp_fd is not None:
        command += ["--seccomp", str(seccomp_fd)]
    return command + program


def sandbox_environment(home: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": f"{home}/.matplotlib", "XDG_CACHE_HOME": f"{home}/.cache", "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1", "TQDM_DISABLE": "1"}


@cache
def sandbox_problem() -> str | None:
    """这台机器上不能用沙箱的原因（附安装方法）；能用时为 None。"""
    if sys.platform != "linux":
        return f"沙箱需要 Linux（这里是 {sys.platform}）。{INSTALL_HINT}"
    if shutil.which("bwrap") is None:
        return f"找不到 bwrap。{INSTALL_HINT}"
    probe = bwrap_command(Limits(), None, [sys.executable, "-I", "-c", "import numpy, wordvec_rnn"])
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bwrap 无法启动（{error}）。{INSTALL_HINT}"
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["没有输出"])[-1][:200]
        return f"bwrap 无法建立沙箱（{reason}）。{INSTALL_HINT}"
    return None


# ---------------------------------------------------------------- 进程与通道

def tree_cpu_seconds(root: int) -> float:
    """进程 ``root`` 及其全部后代用掉的 CPU 秒数（含它们已回收的子进程）。bwrap 的进程结束时不把这些时间
    交给父进程的 RUSAGE_CHILDREN，所以基准测试从 /proc 读。"""
    stats = {}
    for entry in Path("/proc").iterdir():
        try:
            text = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if text:
            fields = text[text.rindex(")") + 2 :].split()
            stats[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    family = {root}
    for _ in range(8):  # bwrap、它的 init、Python：几层就够了
        family |= {pid for pid, (parent, _) in stats.items() if parent in family}
    total = sum(ticks for pid, (_, ticks) in stats.items() if pid in family)
    return total / os.sysconf("SC_CLK_TCK")


class SandboxClosed(Exception):
    """沙箱进程退出了，或超过评分程序的硬时限被杀掉。``reason`` 是给人看的原因。"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Process:
    """一个沙箱进程（或 ``--no-sandbox`` 时的普通子进程）与它的通道；``close`` 杀掉整个进程组。"""

    LOG_LIMIT = 16_000  # 日志里保留的标准错误（字节）

    def __init__(self, limits: Limits, sandboxed: bool, label: str = ""):
        self.limits, self.sandboxed = limits, sandboxed
        self.stderr = bytearray()
        self.buffer = bytearray()
        with tempfile.TemporaryFile() as program_file:
            program = seccomp_program() if sandboxed else None
            fds: tuple[int, ...] = ()
            if program is not None:
                program_file.write(program)
                program_file.seek(0)
                fds = (program_file.fileno(),)
            if sandboxed:
                command = bwrap_command(limits, fds[0] if fds else None, server_command(label))
                cwd, env = None, None
            else:
                self._workdir = tempfile.TemporaryDirectory(prefix="wordvec_rnn_unsandboxed_")
                command = server_command(label)
                cwd, env = self._workdir.name, {**sandbox_environment(self._workdir.name)}
            self.popen = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, pass_fds=fds, start_new_session=True,
                                          cwd=cwd, env=env)
        os.set_blocking(self.popen.stdin.fileno(), False)
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self) -> None:
        for chunk in iter(lambda: self.popen.stderr.read1(65536), b""):
            if len(self.stderr) < self.LOG_LIMIT:
                self.stderr += chunk[: self.LOG_LIMIT - len(self.stderr)]

    def write(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            self._wait(self.popen.stdin, deadline, writing=True)
            try:
                view = view[os.write(self.popen.stdin.fileno(), view[: 2**20]):]
            except BlockingIOError:
                continue
            except (BrokenPipeError, OSError):
                raise SandboxClosed(self._exit_reason()) from None

    def read(self, deadline: float, limit: int) -> bytes:
        """读一条完整的消息（去掉长度前缀）；超时、对方退出或消息太大时抛出 :class:`SandboxClosed`。"""
        while True:
            if len(self.buffer) >= 8:
                (size,) = struct.unpack(">Q", self.buffer[:8])
                if size > limit:
                    self.close()
                    raise SandboxClosed(f"传回的数据超过 {limit // 2**20} MB")
                if len(self.buffer) >= 8 + size:
                    body = bytes(self.buffer[8 : 8 + size])
                    del self.buffer[: 8 + size]
                    return body
            self._wait(self.popen.stdout, deadline)
            chunk = os.read(self.popen.stdout.fileno(), 2**20)
            if not chunk:
                raise SandboxClosed(self._exit_reason())
            self.buffer += chunk

    def _wait(self, stream, deadline: float, writing: bool = False) -> None:
        remaining = deadline - time.monotonic()
        ready = select.select([], [stream], [], max(remaining, 0))[1] if writing else \
            select.select([stream], [], [], max(remaining, 0))[0]
        if not ready:
            self.close()
            raise SandboxClosed("超过时限仍未返回，沙箱已被终止")

    def _exit_reason(self) -> str:
        try:
            code = self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.close()
            return "通道断开，沙箱已被终止"
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            hint = "（CPU 时间用完）" if name in ("SIGXCPU", "SIGKILL") else ""
            return f"沙箱进程被信号 {name} 结束{hint}"
        return f"沙箱进程退出了（退出码 {code}）"

    def close(self) -> str:
        """关掉通道让沙箱自己退出（最多等一秒），然后杀掉整个进程组（沙箱里的进程随 PID 名字空间一起结束）。
        返回退出码；``cpu_seconds`` 记下沙箱里全部进程用掉的 CPU 时间（关闭前从 /proc 读）。"""
        self.cpu_seconds = tree_cpu_seconds(self.popen.pid)
        for stream in (self.popen.stdin, self.popen.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.popen.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        code = self.popen.wait()
        if not self.sandboxed:
            self._workdir.cleanup()
        return f"退出码 {code}"
