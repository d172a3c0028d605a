"""Runs a command on a pseudo-terminal, answering prompts as a person would.

Usage: pty_drive.py PROMPT ANSWER -- COMMAND [ARGS...]
Waits for PROMPT to appear, types ANSWER and Enter, then copies everything the terminal
showed to standard output and exits with the command's exit code.
"""
import os
import pty
import select
import sys
import time


def main():
    separator = sys.argv.index("--")
    prompt, answer = sys.argv[1].encode(), sys.argv[2].encode()
    command = sys.argv[separator + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    seen = b""
    answered = False
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if not answered and prompt in seen:
            os.write(fd, answer + b"\n")
            answered = True
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(seen)
    sys.exit(os.waitstatus_to_exitcode(status) if answered else 99)


main()
