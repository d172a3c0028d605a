#!/usr/bin/env python3
"""Benchmarks of choragen against the floor under it, measured side by side in one run.

Run through bench/run.sh (`make bench`), which builds everything and starts this inside a private
D-Bus session with an unlocked gnome-keyring and an Xvfb display. Every comparison alternates
choragen and its baseline round by round, so drift on a shared machine hits both alike, and
reports medians. Results go into BENCHMARKS.md between its results markers, and the scaling plot
next to it.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

BEGIN = "<!-- results:begin (written by bench/bench.py; edit outside these markers) -->"
END = "<!-- results:end -->"


def fake_key(index):
    # Must match bench_key() in bench/libsecret_baseline.c.
    return "sk-FAKE-bench-%04d-not-a-real-key-0000" % index


def write_config(project, members):
    folder = os.path.join(project, ".choragen")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, "config.json")
    with open(path, "w") as f:
        json.dump(members, f, indent=2)
    os.chmod(path, 0o600)


def plaintext_config(project, count):
    """A config as Choragen's own settings page writes it: providers.<id>.apiKey."""
    providers = {"bench%04d" % i: {"apiKey": fake_key(i)} for i in range(count)}
    write_config(project, {"providers": providers, "settings": {"ui": {"theme": "dark"}}})


# keytar's getPassword("choragen", "anthropic-api-key"), the read Choragen's agent makes.
KEYTAR_ONCE = """
const keytar = require(process.argv[1]);
keytar.getPassword("choragen", "anthropic-api-key").then(v => process.exit(v ? 0 : 1));
"""
KEYTAR_IN_PROCESS = """
const keytar = require(process.argv[1]);
const rounds = Number(process.argv[2]);
(async () => {
  await keytar.getPassword("choragen", "anthropic-api-key");
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    if (!await keytar.getPassword("choragen", "anthropic-api-key")) process.exit(1);
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  console.log(times[Math.floor(times.length / 2)]);
})();
"""


def run_timed(argv, env=None, stdin=None):
    """Wall time of one process, spawn to exit, in seconds; fails loudly on a non-zero exit."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, input=stdin, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit("%s exited %d: %s" % (argv[0], done.returncode,
                                       done.stderr.decode(errors="replace")[-500:]))
    return elapsed


class Bench:
    def __init__(self, args):
        self.args = args
        self.env = dict(os.environ)
        for name in list(self.env):
            if name.endswith("_API_KEY") or name.startswith("CHORAGEN_"):
                del self.env[name]
        self.scratch = tempfile.mkdtemp(prefix="choragen-bench-")
        self.results = {}

    def clear_keychain(self):
        subprocess.run([self.args.baseline, "clear"], check=True)

    @staticmethod
    def secret_service_owner():
        done = subprocess.run(["dbus-send", "--session", "--print-reply",
                               "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                               "org.freedesktop.DBus.GetNameOwner",
                               "string:org.freedesktop.secrets"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return done.stdout.split(b'"')[1] if done.returncode == 0 and b'"' in done.stdout else None

    def fresh_keyring(self):
        """An empty, unlocked login keyring, as every migration round starts from.

        Deleting a thousand entries one by one takes gnome-keyring longer than D-Bus waits, so
        the daemon of this private session is replaced over a new, empty keyring folder.
        """
        folder = os.path.join(os.environ["HOME"], ".local", "share", "keyrings")
        before = self.secret_service_owner()
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, mode=0o700)
        subprocess.run(["gnome-keyring-daemon", "--replace", "--unlock", "--components=secrets"],
                       input=b"test-keyring-password", stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        # Until the new daemon owns the name, a call would reach the old one or make D-Bus
        # start another, without the unlocked keyring.
        for _ in range(400):
            owner = self.secret_service_owner()
            if owner and owner != before:
                return
            time.sleep(0.025)
        sys.exit("gnome-keyring did not come back")

    def choragen(self, project, *arguments):
        return [self.args.choragen, "--project", project] + list(arguments)

    def project(self, name):
        path = os.path.join(self.scratch, name)
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        return path

    # --- keychain work: migration and lookup -------------------------------------------------

    def migration(self, count, rounds):
        ours, floor, same_protocol = [], [], []
        project = self.project("migrate")
        for _ in range(rounds):
            self.fresh_keyring()
            plaintext_config(project, count)
            ours.append(run_timed(self.choragen(project, "--migrate"), self.env))
            with open(os.path.join(project, ".choragen", "config.json")) as f:
                if any("apiKey" in p for p in json.load(f).get("providers", {}).values()):
                    sys.exit("choragen --migrate left keys in the file")
            self.fresh_keyring()
            floor.append(run_timed([self.args.baseline, "migrate", str(count)], self.env))
            self.fresh_keyring()
            same_protocol.append(run_timed(
                [self.args.baseline, "migrate", str(count), "--check-first"], self.env))
        self.fresh_keyring()
        return {"keys": count, "rounds": rounds, "ours": statistics.median(ours),
                "floor": statistics.median(floor),
                "same_protocol": statistics.median(same_protocol),
                "ours_all": ours, "floor_all": floor}

    def lookup(self, rounds):
        project = self.project("get")
        self.clear_keychain()
        subprocess.run(self.choragen(project, "config:set", "anthropic", "--storage", "keychain"),
                       input=(fake_key(7) + "\n").encode(), env=self.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        secret_tool = ["secret-tool", "lookup", "server", "choragen", "user", "anthropic-api-key"]
        from_env = dict(self.env, ANTHROPIC_API_KEY=fake_key(8))
        # Where the time goes: the bare start of the binary, then start and config file without
        # the keychain (the key comes from the environment), then the whole lookup.
        runs = {"ours": (self.choragen(project, "config:get", "anthropic"), self.env),
                "floor": (secret_tool, self.env),
                "startup": ([self.args.choragen, "--version"], self.env),
                "no_keychain": (self.choragen(project, "config:get", "anthropic"), from_env)}
        if self.args.qt_floor:
            runs["stack"] = ([self.args.qt_floor] + secret_tool[2:], self.env)
        keytar = None
        if self.args.keytar:
            keytar = os.path.join(os.path.abspath(self.args.keytar), "node_modules", "keytar")
            # The agent's own read, as a whole Node process: start, require, getPassword.
            runs["keytar_process"] = (["node", "-e", KEYTAR_ONCE, keytar], self.env)
        times = {name: [] for name in runs}
        for _ in range(rounds):
            for name, (argv, env) in runs.items():
                times[name].append(run_timed(argv, env))
        result = {name: statistics.median(values) for name, values in times.items()}
        if keytar:
            # And inside a running agent: one getPassword call, the process already up.
            out = subprocess.run(["node", "-e", KEYTAR_IN_PROCESS, keytar, str(rounds)],
                                 env=self.env, check=True, capture_output=True).stdout
            result["keytar_in_process"] = float(out.decode().strip())
        self.clear_keychain()
        result["rounds"] = rounds
        return result

    # --- config:doctor on a long history -----------------------------------------------------

    def doctor_history(self, commits, rounds):
        """config:doctor in a repository where `commits` commits touch the config file, each with
        an old key; the key in use (in the keychain) never reached git, so every version is read."""
        project = self.project("doctor")
        git = ["git", "-C", project, "-c", "user.name=Bench", "-c", "user.email=bench@example.invalid"]
        subprocess.run(git + ["init", "-q"], check=True)
        stream = []
        for i in range(commits):
            content = json.dumps({"providers": {"openai": {"apiKey": "sk-FAKE-old-%04d" % i}}
                                  if i < commits - 1 else {},
                                  "settings": {"round": i}}, indent=2).encode() + b"\n"
            message = b"config %d\n" % i
            stream.append(b"commit refs/heads/main\nmark :%d\n" % (i + 1))
            stream.append(b"committer Bench <bench@example.invalid> %d +0000\n" % (1700000000 + i))
            stream.append(b"data %d\n%s" % (len(message), message))
            if i:
                stream.append(b"from :%d\n" % i)
            stream.append(b"M 100644 inline .choragen/config.json\ndata %d\n%s\n"
                          % (len(content), content))
        subprocess.run(git + ["fast-import", "--quiet"], input=b"".join(stream), check=True)
        subprocess.run(git + ["symbolic-ref", "HEAD", "refs/heads/main"], check=True)
        subprocess.run(git + ["reset", "-q", "--hard"], check=True)
        os.chmod(os.path.join(project, ".choragen"), 0o700)
        os.chmod(os.path.join(project, ".choragen", "config.json"), 0o600)
        self.clear_keychain()
        subprocess.run(self.choragen(project, "config:set", "anthropic", "--storage", "keychain"),
                       input=(fake_key(9) + "\n").encode(), env=self.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ours, floor = [], []
        for _ in range(rounds):
            ours.append(run_timed(self.choragen(project, "config:doctor"), self.env))
            floor.append(run_timed(git + ["log", "--all", "--format=%H", "--",
                                          ".choragen/config.json"], self.env))
        self.clear_keychain()
        return {"commits": commits, "rounds": rounds, "ours": statistics.median(ours),
                "floor": statistics.median(floor)}

    # --- the window ----------------------------------------------------------------------------

    def window_env(self, frame_log):
        env = dict(self.env)
        env.update({"QT_QPA_PLATFORM": "xcb", "LD_PRELOAD": self.args.probe,
                    "CHORAGEN_FRAME_LOG": frame_log})
        return env

    @staticmethod
    def frames(frame_log):
        try:
            with open(frame_log) as f:
                return [int(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def first_frame(self, argv, settle=1.0):
        """Seconds from spawn to the first frame, and the peak RSS (KiB) once it has settled."""
        frame_log = os.path.join(self.scratch, "frames.log")
        if os.path.exists(frame_log):
            os.remove(frame_log)
        start = time.monotonic_ns()
        process = subprocess.Popen(argv, env=self.window_env(frame_log),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not self.frames(frame_log) and time.monotonic() < deadline:
            time.sleep(0.001)
        shown = self.frames(frame_log)
        time.sleep(settle)
        process.send_signal(signal.SIGTERM)
        _, _, usage = os.wait4(process.pid, 0)
        if not shown:
            sys.exit("%s showed no frame within 30 s" % argv[0])
        return (shown[0] - start) / 1e9, usage.ru_maxrss

    def window_startup(self, rounds):
        project = self.project("window")
        self.clear_keychain()
        subprocess.run(self.choragen(project, "config:set", "anthropic", "--storage", "keychain"),
                       input=(fake_key(3) + "\n").encode(), env=self.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # What the desktop entry starts, and `choragen` with no command from a terminal, which
        # replaces itself with it (one process start more).
        settings = os.path.join(os.path.dirname(self.args.choragen), "choragen-settings")
        ours_time, ours_rss, bare_time, bare_rss, via_cli = [], [], [], [], []
        for _ in range(rounds):
            t, rss = self.first_frame([settings, "--project", project])
            ours_time.append(t)
            ours_rss.append(rss)
            via_cli.append(self.first_frame(self.choragen(project))[0])
            t, rss = self.first_frame([self.args.bare])
            bare_time.append(t)
            bare_rss.append(rss)
        self.clear_keychain()
        return {"rounds": rounds, "ours": statistics.median(ours_time),
                "bare": statistics.median(bare_time), "ours_rss": statistics.median(ours_rss),
                "bare_rss": statistics.median(bare_rss), "via_cli": statistics.median(via_cli)}

    def window_latency(self, rounds):
        """Runs the latency phase in a D-Bus session of its own whose Secret Service never answers."""
        project = self.project("pending")
        write_config(project, {"credentialStorage": "keychain", "model": "claude-bench"})
        command = ["dbus-run-session", "--", sys.executable, os.path.abspath(__file__),
                   "--pending-phase", "--project", project, "--rounds", str(rounds)]
        for name in ("choragen", "bare", "probe", "hung"):
            command += ["--" + name, getattr(self.args, name)]
        done = subprocess.run(command, env=self.env, stdout=subprocess.PIPE, check=True)
        return json.loads(done.stdout)

    # --- report ----------------------------------------------------------------------------------

    def machine(self):
        def package(name):
            done = subprocess.run(["dpkg-query", "-W", "-f=${Version}", name],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            return done.stdout.decode() or "?"

        cpu = "?"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            memory = int(f.readline().split()[1]) // (1024 * 1024)
        commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=self.args.source,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return {
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": "%s, %d cores" % (cpu, os.cpu_count()),
            "memory": "%d GiB" % memory,
            "kernel": platform.release(),
            "load": "%.2f" % os.getloadavg()[0],
            "qt": package("libqt6core6"),
            "libsecret": package("libsecret-1-0"),
            "gnome-keyring": package("gnome-keyring"),
            "commit": commit.stdout.decode().strip() or "?",
        }

    def plot(self, scaling):
        data = os.path.join(self.scratch, "scaling.dat")
        with open(data, "w") as f:
            for row in scaling:
                n = row["keys"]
                f.write("%d %.4f %.4f %.4f\n" % (n, 1000 * row["ours"] / n, 1000 * row["floor"] / n,
                                               1000 * (row["ours"] - row["floor"]) / n))
        subprocess.run(["gnuplot", "-e", "data='%s'; out='%s'" % (data, self.args.png),
                        os.path.join(self.args.source, "bench", "scaling.gp")], check=True)

    def report(self):
        r = self.results
        m = self.machine()
        ms = lambda s: "%.1f ms" % (1000 * s)  # noqa: E731
        ratio = lambda a, b: "%.2f×" % (a / b)  # noqa: E731

        def verdict(value, goal, lower_is_better=True):
            met = value <= goal if lower_is_better else value >= goal
            return "met" if met else "**missed**"

        lines = [BEGIN, ""]
        lines.append("Measured %s on %s, %s RAM, Linux %s (load %s at the start); Qt %s, "
                     "libsecret %s, gnome-keyring %s; choragen %s (release build). "
                     "Medians; choragen and its baseline alternate round by round."
                     % (m["date"], m["cpu"], m["memory"], m["kernel"], m["load"], m["qt"],
                        m["libsecret"], m["gnome-keyring"], m["commit"]))
        lines += ["", "| Benchmark | choragen | baseline | ratio | goal | |",
                  "|---|---|---|---|---|---|"]
        mig = r["scaling"][1]
        q = mig["ours"] / mig["floor"]
        lines.append("| `--migrate`, %d keys, vs `libsecret_baseline` (store + verifying lookup), "
                     "%d rounds | %s | %s | %s | ≤ 1.1× | %s |"
                     % (mig["keys"], mig["rounds"], ms(mig["ours"]), ms(mig["floor"]),
                        ratio(mig["ours"], mig["floor"]), verdict(q, 1.1)))
        lines.append("| the same, baseline also checking first (lookup, store, lookup, as "
                     "`--migrate` does) | %s | %s | %s | | |"
                     % (ms(mig["ours"]), ms(mig["same_protocol"]),
                        ratio(mig["ours"], mig["same_protocol"])))
        if "doctor" in r:
            doc = r["doctor"]
            lines.append("| `config:doctor`, %d commits touching the config file (keychain round "
                         "trip included), vs `git log --all -- <file>`, %d rounds | %s | %s | %s | "
                         "< 1 s | %s |"
                         % (doc["commits"], doc["rounds"], ms(doc["ours"]), ms(doc["floor"]),
                            ratio(doc["ours"], doc["floor"]), verdict(doc["ours"], 1.0)))
        get = r["lookup"]
        q = get["ours"] / get["floor"]
        lines.append("| `config:get` vs `secret-tool lookup`, one key, %d rounds | %s | %s | %s | "
                     "≤ 1.2× | %s |" % (get["rounds"], ms(get["ours"]), ms(get["floor"]),
                                        ratio(get["ours"], get["floor"]), verdict(q, 1.2)))
        if "keytar_process" in get:
            lines.append("| `config:get` vs the agent's read with keytar, a whole `node` process "
                         "(start, require, `getPassword`) | %s | %s | %s | | |"
                         % (ms(get["ours"]), ms(get["keytar_process"]),
                            ratio(get["ours"], get["keytar_process"])))
            lines.append("| … keytar's `getPassword` inside a running agent (no process start) "
                         "| | %s | | | |" % ms(get["keytar_in_process"]))
        if "stack" in get:
            lines.append("| `config:get` vs `qt_libsecret_lookup` (`secret-tool`'s lookup in a "
                         "QtCore program: the least a Qt program reading one key does) | %s | %s "
                         "| %s | | |"
                         % (ms(get["ours"]), ms(get["stack"]), ratio(get["ours"], get["stack"])))
        lines.append("| … of which: `choragen --version` (process start, Qt and every linked "
                     "library) | %s | | | | |" % ms(get["startup"]))
        lines.append("| … of which: `config:get` with the key in the environment (start and "
                     "config file, no keychain) | %s | | | | |" % ms(get["no_keychain"]))
        if "window" in r:
            w = r["window"]
            q = w["ours"] / w["bare"]
            lines.append("| settings window (`choragen-settings`, as the desktop entry starts it), "
                         "time to first frame, vs a bare Qt Widgets window, %d "
                         "rounds | %s | %s | %s | ≤ 1.5× | %s |"
                         % (w["rounds"], ms(w["ours"]), ms(w["bare"]), ratio(w["ours"], w["bare"]),
                            verdict(q, 1.5)))
            if "via_cli" in w:
                lines.append("| … the same started as `choragen` with no command (it replaces "
                             "itself with `choragen-settings`) | %s | %s | %s | | |"
                             % (ms(w["via_cli"]), ms(w["bare"]), ratio(w["via_cli"], w["bare"])))
            q = w["ours_rss"] / w["bare_rss"]
            lines.append("| settings window, peak RSS, vs the bare window | %.1f MiB | %.1f MiB | "
                         "%s | ≤ 1.3× | %s |"
                         % (w["ours_rss"] / 1024, w["bare_rss"] / 1024,
                            ratio(w["ours_rss"], w["bare_rss"]), verdict(q, 1.3)))
            p = r["latency"]
            lines.append("| event-loop latency while a keychain call is pending (resize → next "
                         "frame, %d resizes; median / max) | %s / %s | %s / %s | | < 50 ms | %s |"
                         % (p["rounds"], ms(p["ours_median"]), ms(p["ours_max"]),
                            ms(p["bare_median"]), ms(p["bare_max"]),
                            verdict(p["ours_max"], 0.050)))
        else:
            lines.append("| settings window: time to first frame, peak RSS, latency while a "
                         "keychain call is pending | pending the settings window | | | | |")
        lines += ["", "Scaling (per key; the plot is `BENCHMARKS-scaling.png`):", "",
                  "| keys | rounds | choragen | floor | choragen per key | floor per key | "
                  "overhead per key |", "|---|---|---|---|---|---|---|"]
        for row in r["scaling"]:
            n = row["keys"]
            lines.append("| %d | %d | %s | %s | %.2f ms | %.2f ms | %.2f ms |"
                         % (n, row["rounds"], ms(row["ours"]), ms(row["floor"]),
                            1000 * row["ours"] / n, 1000 * row["floor"] / n,
                            1000 * (row["ours"] - row["floor"]) / n))
        lines += ["", "![Per-key migration time against the number of keys]"
                  "(BENCHMARKS-scaling.png)", "", END]
        block = "\n".join(lines)

        text = ""
        if os.path.exists(self.args.out):
            with open(self.args.out) as f:
                text = f.read()
        if BEGIN in text and END in text:
            text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
        else:
            text = "# Benchmarks\n\n" + block + "\n"
        with open(self.args.out, "w") as f:
            f.write(text)
        if self.args.json:
            with open(self.args.json, "w") as f:
                json.dump({"machine": m, "results": r}, f, indent=2)

    def run(self):
        # The keyring is replaced between rounds: only ever the private one of with-keyring.sh.
        if not os.environ.get("CHORAGEN_IN_KEYRING"):
            sys.exit("run inside scripts/with-keyring.sh (make bench does)")
        quick = self.args.quick
        print("config:get vs secret-tool lookup …", flush=True)
        self.results["lookup"] = self.lookup(7 if quick else 41)
        scaling = []
        for count, rounds in ((10, 5 if quick else 9), (100, 3 if quick else 11),
                              (1000, 1 if quick else 3)):
            print("migration of %d keys …" % count, flush=True)
            scaling.append(self.migration(count, rounds))
        self.results["scaling"] = scaling
        print("config:doctor with 1,000 commits touching the config file …", flush=True)
        self.results["doctor"] = self.doctor_history(1000, 3 if quick else 9)
        if self.args.with_window:
            print("window: first frame and peak RSS …", flush=True)
            self.results["window"] = self.window_startup(3 if quick else 9)
            print("window: latency while the keychain hangs …", flush=True)
            self.results["latency"] = self.window_latency(10 if quick else 20)
        self.plot(scaling)
        self.report()
        shutil.rmtree(self.scratch, ignore_errors=True)


def pending_phase(args):
    """Inside a fresh session bus: a Secret Service that never answers, then resize → frame."""
    hung = subprocess.Popen([args.hung], stdout=subprocess.PIPE)
    if hung.stdout.readline().strip() != b"ready":
        sys.exit("hung_secret_service did not start")
    scratch = tempfile.mkdtemp(prefix="choragen-pending-")
    env = dict(os.environ)
    env.update({"QT_QPA_PLATFORM": "xcb", "LD_PRELOAD": args.probe})
    env.pop("CHORAGEN_KEYCHAIN_TIMEOUT_MS", None)  # the default 30 s: pending all along

    def latencies(argv):
        frame_log = os.path.join(scratch, "frames-%d.log" % len(os.listdir(scratch)))
        process = subprocess.Popen(argv, env=dict(env, CHORAGEN_FRAME_LOG=frame_log),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not Bench.frames(frame_log):
            time.sleep(0.005)
        time.sleep(0.5)
        window = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--pid",
                                 str(process.pid)], stdout=subprocess.PIPE, check=True)
        wid = window.stdout.split()[0].decode()
        found = []
        for i in range(args.rounds):
            before = len(Bench.frames(frame_log))
            start = time.monotonic_ns()
            subprocess.run(["xdotool", "windowsize", wid, str(700 + 10 * (i % 2)), "520"],
                           check=True)
            deadline = time.monotonic() + 5
            while len(Bench.frames(frame_log)) <= before and time.monotonic() < deadline:
                time.sleep(0.0005)
            frames = [t for t in Bench.frames(frame_log)[before:] if t >= start]
            found.append((frames[0] - start) / 1e9 if frames else 5.0)
            time.sleep(0.1)
        alive = process.poll() is None
        process.terminate()
        process.wait()
        return found, alive

    ours, ours_alive = latencies([args.choragen, "--project", args.project])
    bare, _ = latencies([args.bare])
    hung.terminate()
    shutil.rmtree(scratch, ignore_errors=True)
    if not ours_alive:
        sys.exit("choragen exited while its keychain call was pending")
    json.dump({"rounds": args.rounds, "ours_median": statistics.median(ours), "ours_max": max(ours),
               "bare_median": statistics.median(bare), "bare_max": max(bare)}, sys.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--choragen", required=True)
    parser.add_argument("--baseline")
    parser.add_argument("--qt-floor")
    parser.add_argument("--bare")
    parser.add_argument("--probe")
    parser.add_argument("--hung")
    parser.add_argument("--keytar", help="a folder with node_modules/keytar built")
    parser.add_argument("--source", default=os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    parser.add_argument("--out")
    parser.add_argument("--png")
    parser.add_argument("--json", help="also write the raw figures here")
    parser.add_argument("--with-window", action="store_true")
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for a smoke test")
    parser.add_argument("--pending-phase", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--project", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=20, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pending_phase:
        pending_phase(args)
    else:
        Bench(args).run()


if __name__ == "__main__":
    main()
