"""anvil-siren under mpirun (ctest label `distributed`): one case per run of this script,
  distributed_test.py CASE --siren BIN --image PNG --work DIR [--mpi-plugin yes|no] [--nccl-plugin yes|no]
Exit 0 = pass, 1 = fail (with the reason), 77 = skipped (with the reason: no mpirun, no mpi
plugin in this build, no network namespaces). Every case trains a 32x25 image (25 rows: 3 ranks
get 8, 8 and 9 rows, uneven shards) for a few steps with one thread per rank."""
import argparse
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runs  # noqa: E402

SKIP = 77


class Skip(Exception):
    pass


class Fail(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Fail(message)


class Case:
    def __init__(self, args):
        self.siren = args.siren
        self.image = args.image
        self.work = args.work
        self.mpi_plugin = args.mpi_plugin == "yes"
        self.nccl_plugin = args.nccl_plugin == "yes"
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)

    def need_mpi(self):
        if not runs.mpirun():
            raise Skip("mpirun is not installed (Debian: openmpi-bin)")
        if not self.mpi_plugin:
            raise Skip("this build has no mpi communicator (ANVIL_MPI=OFF or MPI not found)")

    def out(self, name):
        return os.path.join(self.work, name)

    def argv(self, out, *extra, steps=12, batch="full"):
        return [self.siren, "--backend", "cpu", "--image", self.image, "--train-size", "32x25",
                "--steps", str(steps), "--batch", batch, "--out", self.out(out), "--quiet",
                *extra]

    def single(self, out, *extra, **kw):
        rc, _, err = runs.run(self.argv(out, "--distributed", "none", *extra, **kw))
        check(rc == 0, f"one process failed ({rc}): {err}")
        return self.out(out)

    def ranks(self, n, out, *extra, expect=0, env=None, **kw):
        rc, _, err = runs.run(runs.mpi_argv(n, self.argv(out, *extra, **kw)), env=env)
        check(rc == expect, f"mpirun -np {n} exited {rc}, expected {expect}: {err}")
        return self.out(out), err


def compare_runs(one, many, loss_tol, param_tol, label):
    a, b = runs.losses(one), runs.losses(many)
    check(len(a) == len(b), f"{label}: {len(b)} steps against {len(a)}")
    worst = max(abs(x - y) / abs(x) for x, y in zip(a, b))
    check(worst <= loss_tol, f"{label}: loss curves differ by {worst:.3g} relative (> {loss_tol})")
    p = runs.max_relative_difference(runs.parameters(os.path.join(one, "model.safetensors")),
                                     runs.parameters(os.path.join(many, "model.safetensors")))
    check(p <= param_tol, f"{label}: final parameters differ by {p:.3g} of their scale (> {param_tol})")
    print(f"{label}: losses within {worst:.2g}, parameters within {p:.2g} of their scale")


# Tolerances of full-batch equality. The ranks sum their shards' weighted means where one
# process sums all pixels at once: the same numbers added in another order. With SGD that stays
# at float rounding (measured 2e-7 after 12 steps, np2 and np3); Adam divides by sqrt(v), which
# for the first steps turns a rounding-level difference of a near-zero gradient into a visible
# one (measured 6e-6 on losses, 6e-5 on parameters), so its bounds are wider.
SGD_TOL = (1e-5, 1e-5)
ADAM_TOL = (1e-4, 1e-3)


def full_batch(case, n):
    case.need_mpi()
    for optimizer, (loss_tol, param_tol) in (("sgd", SGD_TOL), ("adam", ADAM_TOL)):
        one = case.single(f"one_{optimizer}", "--optimizer", optimizer)
        many, _ = case.ranks(n, f"np{n}_{optimizer}", "--optimizer", optimizer)
        compare_runs(one, many, loss_tol, param_tol, f"np{n} {optimizer}")


def case_full_batch_np2(case):
    full_batch(case, 2)


def case_full_batch_np3(case):
    full_batch(case, 3)


def case_random_batches(case):
    """Random batches cannot match step for step (each rank samples its own shard with its own
    stream), so the criterion is statistical: the mean of log10(loss) over the last 50 of 150
    steps within 0.3 (a factor of 2) of one process's. Measured: np2 +0.05, np3 +0.18; one
    process with seeds 1 and 2 instead of 0 differs by 0.21 and 0.19. A rank's shard left out
    of the mean, or losses summed instead of averaged (2x), moves it by 0.3 or more."""
    case.need_mpi()
    extra = ("--lr", "5e-4", "--schedule", "constant", "--snapshot-every", "50")

    def level(out):
        values = runs.losses(out)
        check(len(values) == 150, f"{out}: {len(values)} steps")
        check(values[-1] < values[0] / 20, f"{out}: did not learn ({values[0]} -> {values[-1]})")
        return statistics.mean(math.log10(v) for v in values[-50:])

    base = level(case.single("one", *extra, steps=150, batch="200"))
    for n in (2, 3):
        many, _ = case.ranks(n, f"np{n}", *extra, steps=150, batch="200")
        d = level(many) - base
        print(f"np{n}: mean log10 loss of the last 50 steps {d:+.3f} from one process")
        check(abs(d) < 0.3, f"np{n}: loss level differs by {d:+.3f} in log10 (bound 0.3)")
    # Reproducible for a given N: the same run again gives the same curve, bit for bit.
    again, _ = case.ranks(2, "np2_again", *extra, steps=150, batch="200")
    check(runs.losses(again) == runs.losses(case.out("np2")), "np2 twice: different loss curves")


def case_resume_other_n(case):
    """A checkpoint written by 2 ranks at step 6 continues under 1 and 3 ranks to step 12 and
    ends where an uninterrupted single process ends (SGD: rounding-level tolerance)."""
    case.need_mpi()
    # A constant rate: the cosine schedule of a 6-step run is not the first half of a 12-step one.
    sgd = ("--optimizer", "sgd", "--schedule", "constant", "--lr", "0.004")
    one = case.single("one", *sgd)
    half, _ = case.ranks(2, "half", *sgd, steps=6)
    ckpt = os.path.join(half, "model.safetensors")
    meta, _ = runs.checkpoint(ckpt)
    check(meta.get("train.ranks") == "2", f"train.ranks is {meta.get('train.ranks')}, expected 2")
    for n in (1, 3):
        dst = case.out(f"resumed{n}")
        shutil.copytree(half, dst)
        argv = case.argv(f"resumed{n}", "--resume", os.path.join(dst, "model.safetensors"), *sgd)
        rc, _, err = runs.run(runs.mpi_argv(n, argv))
        check(rc == 0, f"resume under {n} rank(s) exited {rc}: {err}")
        compare_runs(one, dst, *SGD_TOL, f"np2 -> np{n} resume")
    # With random batches and the same N, each rank's sampler state comes back from the
    # checkpoint (train.batch_rng, train.batch_rng.1): the resumed run draws the batches of the
    # uninterrupted one, and its curve is the same bit for bit.
    whole, _ = case.ranks(2, "batch_whole", *sgd, steps=12, batch="64")
    first, _ = case.ranks(2, "batch_resumed", *sgd, steps=6, batch="64")
    meta, _ = runs.checkpoint(os.path.join(first, "model.safetensors"))
    check("train.batch_rng.1" in meta, "no train.batch_rng.1 in the checkpoint of 2 ranks")
    case.ranks(2, "batch_resumed", *sgd, "--resume", os.path.join(first, "model.safetensors"),
               steps=12, batch="64")
    check(runs.losses(whole) == runs.losses(first),
          f"np2 resume with batches: {runs.losses(first)} against {runs.losses(whole)}")


def find_rank_pid(launcher_pid, rank, deadline):
    """The pid of anvil-siren's rank `rank` among mpirun's children."""
    while time.time() < deadline:
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                if ppid != launcher_pid:
                    continue
                with open(f"/proc/{pid}/environ", "rb") as f:
                    env = f.read().split(b"\0")
                if f"OMPI_COMM_WORLD_RANK={rank}".encode() in env:
                    return int(pid)
            except (OSError, IndexError, ValueError):
                continue
        time.sleep(0.05)
    raise Fail(f"rank {rank} of mpirun {launcher_pid} not found")


def start_long_run(case, out, env=None):
    argv = runs.mpi_argv(2, case.argv(out, "--snapshot-every", "5", steps=100000))
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=runs.environment(env))
    ckpt = os.path.join(case.out(out), "model.safetensors")
    deadline = time.time() + 60
    while not os.path.exists(ckpt):
        if p.poll() is not None:
            raise Fail(f"the run ended early: {p.communicate()[1]}")
        check(time.time() < deadline, "no checkpoint after 60 s")
        time.sleep(0.05)
    return p, ckpt


def finish_within(p, bound, what, ranks=()):
    start = time.time()
    try:
        _, err = p.communicate(timeout=bound)
    except subprocess.TimeoutExpired:
        # The ranks hold the output pipes open: end them too, or communicate() would wait.
        for pid in (p.pid, *ranks):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        p.communicate(timeout=30)
        raise Fail(f"{what}: the job still ran {bound} s later (a hang)")
    took = time.time() - start
    check(p.returncode != 0, f"{what}: the job exited 0")
    print(f"{what}: exit {p.returncode} after {took:.1f} s")
    return err


def checkpoint_loads(case, ckpt, out):
    rc, _, err = runs.run([case.siren, "--render-only", ckpt, "--out", case.out(out), "--quiet"])
    check(rc == 0, f"the checkpoint left behind does not load ({rc}): {err}")


def case_rank_killed(case):
    """SIGKILL of rank 1 mid-run: mpirun ends the job non-zero within 30 s, and the checkpoint
    on disk (written atomically by rank 0) loads."""
    case.need_mpi()
    p, ckpt = start_long_run(case, "killed")
    ranks = [find_rank_pid(p.pid, r, time.time() + 10) for r in (0, 1)]
    os.kill(ranks[1], signal.SIGKILL)
    finish_within(p, 30, "rank 1 killed", ranks)
    checkpoint_loads(case, ckpt, "render_killed")


def case_rank_hangs(case):
    """A rank that stops answering (SIGSTOP: alive, so the launcher sees nothing) leaves rank 0
    in the step's allreduce; the watchdog ends it after ANVIL_COMM_TIMEOUT_S = 3 s with a message
    naming the call, and the launcher ends the job."""
    case.need_mpi()
    p, ckpt = start_long_run(case, "hung", env={"ANVIL_COMM_TIMEOUT_S": "3"})
    rank0 = find_rank_pid(p.pid, 0, time.time() + 10)
    rank1 = find_rank_pid(p.pid, 1, time.time() + 10)
    os.kill(rank1, signal.SIGSTOP)
    try:
        err = finish_within(p, 40, "rank 1 stopped", (rank0, rank1))
    finally:
        try:
            os.kill(rank1, signal.SIGKILL)
        except ProcessLookupError:
            pass
    check("waited more than 3 s for the other ranks" in err, f"no watchdog message: {err}")
    checkpoint_loads(case, ckpt, "render_hung")


def case_rank_interrupted(case):
    """SIGTERM to rank 1 alone: its stop flag travels in the step's allreduce, every rank stops
    after the same step, rank 0 writes every output, and the job exits 130."""
    case.need_mpi()
    p, ckpt = start_long_run(case, "interrupted")
    ranks = [find_rank_pid(p.pid, r, time.time() + 10) for r in (0, 1)]
    os.kill(ranks[1], signal.SIGTERM)
    finish_within(p, 30, "SIGTERM to rank 1", ranks)
    check(p.returncode == 130, f"exit {p.returncode}, expected 130")
    with open(os.path.join(case.out("interrupted"), "summary.json")) as f:
        summary = json.load(f)
    check(summary["interrupted"] is True and summary["ranks"] == 2, f"summary: {summary}")
    meta, _ = runs.checkpoint(ckpt)
    check(meta["step"] == str(summary["steps"]), f"checkpoint at {meta['step']}, run at {summary['steps']}")
    check(len(runs.losses(case.out("interrupted"))) == summary["steps"], "metrics.csv is short")


def case_flag_mismatch(case):
    """Ranks started with different flags stop before training, naming the flag (exit 2)."""
    case.need_mpi()
    a = case.argv("mismatch", "--lr", "0.001")
    b = case.argv("mismatch", "--lr", "0.002")
    argv = [runs.mpirun(), "--oversubscribe", "-np", "1", *a, ":", "-np", "1", *b]
    rc, _, err = runs.run(argv)
    check(rc == 2, f"exit {rc}, expected 2: {err}")
    check("rank 1: --lr is '0.002' here but '0.001' on rank 0" in err, f"message: {err}")
    check(not os.path.exists(os.path.join(case.out("mismatch"), "model.safetensors")),
          "a checkpoint was written")


def case_two_hosts(case):
    """Two hosts for real: two network namespaces joined by a veth pair, mpirun in the first
    launching the second rank through `ip netns exec` (netns_agent.sh), ranks talking TCP over
    the veth only. Same result as one process."""
    case.need_mpi()
    if os.geteuid() != 0 or not shutil.which("ip"):
        raise Skip("network namespaces need root and iproute2's ip")
    tag = str(os.getpid())
    ns = [f"anvil{tag}a", f"anvil{tag}b"]
    veth = [f"av{tag}a"[-15:], f"av{tag}b"[-15:]]
    sh = lambda *a: subprocess.run(a, capture_output=True, text=True)  # noqa: E731
    try:
        for name in ns:
            r = sh("ip", "netns", "add", name)
            if r.returncode != 0:
                raise Skip(f"cannot create a network namespace: {r.stderr.strip()}")
        steps = [("ip", "link", "add", veth[0], "type", "veth", "peer", "name", veth[1])]
        for i, name in enumerate(ns):
            steps += [("ip", "link", "set", veth[i], "netns", name),
                      ("ip", "-n", name, "addr", "add", f"10.231.0.{i + 1}/24", "dev", veth[i]),
                      ("ip", "-n", name, "link", "set", veth[i], "up"),
                      ("ip", "-n", name, "link", "set", "lo", "up")]
        for s in steps:
            r = sh(*s)
            if r.returncode != 0:
                raise Skip(f"cannot build the veth pair ({' '.join(s)}): {r.stderr.strip()}")
        one = case.single("one", "--optimizer", "sgd")
        agent = os.path.join(os.path.dirname(os.path.abspath(__file__)), "netns_agent.sh")
        mca = [("plm_rsh_agent", agent), ("btl", "tcp,self"),
               ("btl_tcp_if_include", "10.231.0.0/24"), ("oob_tcp_if_include", "10.231.0.0/24")]
        argv = [runs.mpirun(), "-H", f"{ns[0]},{ns[1]}", "-np", "2", "--bind-to", "none"]
        for k, v in mca:
            argv += ["--mca", k, v]
        argv += ["-x", "OMP_NUM_THREADS", "-x", "PATH", "-x", "LD_LIBRARY_PATH"]
        # The ranks really live in the two namespaces: each names its own.
        rc, out, err = runs.run(["ip", "netns", "exec", ns[0], *argv, "sh", "-c",
                                 "ip netns identify $$"])
        check(rc == 0 and sorted(out.split()) == sorted(ns), f"ranks ran in {out!r}: {err}")
        argv += case.argv("two_hosts", "--optimizer", "sgd")
        rc, out, err = runs.run(["ip", "netns", "exec", ns[0], *argv], timeout=120)
        check(rc == 0, f"mpirun across namespaces exited {rc}: {err}")
        compare_runs(one, case.out("two_hosts"), *SGD_TOL, "two hosts")
    finally:
        for name in ns:
            sh("ip", "netns", "del", name)
            # netns_agent.sh's session directory base for this "host".
            shutil.rmtree(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"anvil-ompi-{name}"),
                          ignore_errors=True)


def case_nccl_unavailable(case):
    """Without a GPU: --distributed nccl says why it cannot run, exit 1 (the nccl plugin loads
    and refuses a cpu device; a build without the plugin names the missing file)."""
    rc, _, err = runs.run(case.argv("nccl", "--distributed", "nccl"))
    check(rc == 1, f"exit {rc}, expected 1: {err}")
    if case.nccl_plugin:
        check("nccl is unavailable: nccl runs on cuda devices (--backend cuda), not on cpu:0" in err,
              f"message: {err}")
    else:
        check("no libanvil-comm-nccl.so in" in err, f"message: {err}")


def case_mpi_missing(case):
    """--distributed mpi in a build without the mpi plugin: one line naming the file, exit 1."""
    if case.mpi_plugin:
        raise Skip("this build has the mpi communicator (the case is for ANVIL_MPI=OFF builds)")
    rc, _, err = runs.run(case.argv("nompi", "--distributed", "mpi"))
    check(rc == 1 and "no libanvil-comm-mpi.so in" in err, f"exit {rc}: {err}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("case")
    parser.add_argument("--siren", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--mpi-plugin", default="yes")
    parser.add_argument("--nccl-plugin", default="no")
    args = parser.parse_args()
    test = globals().get("case_" + args.case)
    if not test:
        print(f"unknown case {args.case}")
        return 1
    try:
        test(Case(args))
    except Skip as e:
        print(f"skipped: {e}")
        return SKIP
    except Fail as e:
        print(f"FAILED: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
