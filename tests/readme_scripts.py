"""README.md's scripts, run as written: the ones that build with cargo themselves, which the
Rust tests cannot run (cargo waits for the build lock `cargo test` holds), so tests/run runs
this after them. Each command is read from README.md, so a command the README changes is
the command run here:

- "Run it": `cargo run -q --bin sellsync -- init --demo` makes the demo till in the
  platform's data folder, and `bash desktop/run` opens the app's window on the demo store
  (under a virtual X display);
- "Running the gateway": `bash server/try-out` prints a business's API key, an enrolment
  code and the owner's sign-in, and serves, the back office too; the till command of "Pointing a till at the gateway" enrols with that
  code and syncs, the README's curl reads the business with that key, and Ctrl-C stops the
  gateway and its test database.

`bash tests/run` is the command that runs this; `bash desktop/package` builds for release
(too slow for every run: the package test makes the same package from the debug build, and
`bash tests/desktop-e2e --bench` runs the release one); the benchmarks are not tests.

    python3 tests/readme_scripts.py
"""

import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
    README = f.read()


def blocks_after(heading):
    """The code blocks (indented by four spaces) of the README's section `heading`, each a
    list of commands with continuation lines joined."""
    start = README.index(f"\n{heading}\n")
    end = README.find("\n#", start + len(heading) + 2)
    section = README[start : end if end >= 0 else len(README)]
    blocks, current = [], None
    for line in section.splitlines():
        if line.startswith("    "):
            current = current if current is not None else []
            current.append(line.strip())
        elif line and current is not None:
            blocks.append(current)
            current = None
    if current is not None:
        blocks.append(current)
    joined = []
    for block in blocks:
        commands, command = [], ""
        for line in block:
            if line.endswith("\\"):
                command += line[:-1]
            else:
                commands.append(command + line)
                command = ""
        joined.append(commands)
    return joined


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def wait_until(what, check, seconds, process=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the command exited with {process.returncode}")
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {seconds} s")


class Scripts(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.TemporaryDirectory()
        self.addCleanup(self.work.cleanup)

    def start(self, command, env, log):
        """`command` in a shell of its own process group, its output in `log`."""
        out = open(os.path.join(self.work.name, log), "w+", encoding="utf-8")
        self.addCleanup(out.close)
        process = subprocess.Popen(
            ["bash", "-c", command], cwd=ROOT, env=env, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )

        def stop():
            if group_alive(process.pid):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

        self.addCleanup(stop)
        return process, out

    def test_1_demo_till_from_the_command_line(self):
        (command,) = blocks_after("## Run it")[1]
        self.assertEqual(command, "cargo run -q --bin sellsync -- init --demo")
        data = os.path.join(self.work.name, "data")
        env = dict(os.environ, XDG_DATA_HOME=data)
        env.pop("SELLSYNC_DATA_DIR", None)
        out = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout
        self.assertTrue(os.path.exists(os.path.join(data, "sellsync", "till.sqlite3")), out)
        # The staff and their PINs, for the tour that follows.
        self.assertIn("cashier@example.com", out)
        self.assertIn("1111", out)

    def test_2_desktop_app_on_the_demo_store(self):
        (command,) = blocks_after("## Run it")[0]
        self.assertEqual(command, "bash desktop/run")
        display = os.path.join(self.work.name, "display")
        with open(display, "w") as fd:
            xvfb = subprocess.Popen(
                ["Xvfb", "-displayfd", str(fd.fileno()), "-screen", "0", "1280x800x24",
                 "-nolisten", "tcp"], pass_fds=[fd.fileno()],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(xvfb.wait)
        self.addCleanup(xvfb.terminate)

        def display_number():
            with open(display) as f:
                return f.read().strip()

        number = wait_until("Xvfb's display", display_number, 10)
        env = dict(os.environ, DISPLAY=f":{number}")
        env.pop("SELLSYNC_DATA_DIR", None)
        app, log = self.start(command, env, "desktop-run.log")

        def window():
            tree = subprocess.run(["xwininfo", "-root", "-tree"], env=env,
                                  capture_output=True, text=True).stdout
            return '"Sell Sync"' in tree

        try:
            wait_until("the app's window", window, 600, app)
        except AssertionError:
            log.seek(0)
            raise AssertionError(log.read()[-3000:])
        self.assertTrue(os.path.exists(os.path.join(ROOT, "target/demo-till/till.sqlite3")))

    def test_3_gateway_try_out_and_a_till_enrolled_at_it(self):
        (command,) = blocks_after("## Running the gateway")[0]
        self.assertEqual(command, "bash server/try-out")
        port = free_port()
        env = dict(os.environ, SELLSYNC_LISTEN=f"127.0.0.1:{port}")
        for name in ("SELLSYNC_MONGODB_URI", "SELLSYNC_TEST_MONGODB_URI", "SELLSYNC_DATA_DIR"):
            env.pop(name, None)
        gateway, log = self.start(command, env, "try-out.log")
        url = f"http://127.0.0.1:{port}"

        def healthy():
            try:
                return urllib.request.urlopen(f"{url}/health", timeout=1).status == 200
            except OSError:
                return False

        try:
            wait_until("the gateway", healthy, 600, gateway)
        except AssertionError:
            log.seek(0)
            raise AssertionError(log.read()[-3000:])
        log.seek(0)
        printed = log.read()
        # The back office, at the address and with the sign-in try-out printed.
        self.assertIn(f"at {url}/ with the password", printed)
        with urllib.request.urlopen(f"{url}/", timeout=5) as page:
            self.assertIn("Sell Sync back office", page.read().decode())
        key = re.search(r"^(ssk_\S+)$", printed, re.M).group(1)
        code = re.search(r"^(sse_\S+)$", printed, re.M).group(1)
        # What README says to run next, on the code and the address try-out gave.
        enrol = [c for c in blocks_after("### Pointing a till at the gateway")[0]
                 if c.startswith("sellsync ")]
        self.assertEqual(len(enrol), 2, enrol)
        till = os.path.join(self.work.name, "till2")
        binary = os.path.join(ROOT, "target/debug/sellsync")
        for line in enrol:
            line = (line.replace("sellsync ", f"{binary} ", 1)
                    .replace("till2", till)
                    .replace("http://127.0.0.1:8080", url)
                    .replace("sse_…", code))
            subprocess.run(["bash", "-c", line], cwd=self.work.name, env=env, check=True,
                           capture_output=True, text=True)
        status = subprocess.run([binary, "--data-dir", till, "sync", "status"], env=env,
                                check=True, capture_output=True, text=True).stdout
        self.assertIn(url, status)
        # The store's staff came from central: the owner try-out made.
        self.assertIn("owner@example.com", subprocess.run(
            [binary, "--data-dir", till, "user", "list"], env=env, check=True,
            capture_output=True, text=True).stdout)
        # The README's curl, with the key try-out printed.
        curl = next(c for c in blocks_after("## Running the gateway")[1]
                    if c.startswith("curl -H"))
        business = subprocess.run(
            ["bash", "-c", curl.replace("ssk_…", key).replace("http://127.0.0.1:8080", url)],
            env=env, check=True, capture_output=True, text=True).stdout
        self.assertIn('"Corner Market"', business)
        # Ctrl-C: the gateway stops and its test database goes with it.
        os.killpg(gateway.pid, signal.SIGINT)
        gateway.wait(30)
        wait_until("every process of try-out to end", lambda: not group_alive(gateway.pid), 30)


if __name__ == "__main__":
    unittest.main(verbosity=2)
