"""The jzsd under test for the stock-client suites (test_stock_client, test_route): one node, or
several `jzsd serve` processes on one PostgreSQL with the calls spread over them.

  JZSD            the jzsd binary to start (on a fresh data directory and free ports)
  JZSD_DATABASE   when set, a PostgreSQL URL every node serves (`jzsd init` writes it)
  JZS_NODES       how many nodes (default 1; more than one needs JZSD_DATABASE). Each node has its
                  own copy of the data directory (docs/DEPLOYMENT.md, "several nodes"); a stock
                  gRPC channel names every node's address and balances round robin, so consecutive
                  calls of one channel go to different nodes, as behind a TCP load balancer.
  JZS_TRANSPORT   `h2` (default): stock grpcio; `jzs1`: the jzs/1 shim of jzs1.py (one node per
                  channel, channels alternating between nodes)

One server (or set of nodes) per test run, shared by every test module: `shared()`.
"""

import atexit
import itertools
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import grpc

from jzs1 import Jzs1Channel, Jzs1Error

TRANSPORT = os.environ.get("JZS_TRANSPORT", "h2")
NODES = int(os.environ.get("JZS_NODES", "1"))
OPERATOR = [("operator", "reviewer-li")]   # gRPC metadata values are ASCII (a Chinese name is not)


class Node:
    """One `jzsd serve` on a data directory and a free loopback port, logging every call (`call`
    lines with method, status and request-id)."""

    def __init__(self, jzsd, data, extra_args=()):
        self.data = data
        self.log_path = os.path.join(data, "serve.log")
        self.log_file = open(self.log_path, "w")
        env = dict(os.environ, SWIFT_BACKTRACE="enable=no")
        self.process = subprocess.Popen(
            [jzsd, "serve", "--data", data, "--listen", "127.0.0.1:0", "--log-level", "info", *extra_args],
            stdout=subprocess.DEVNULL, stderr=self.log_file, env=env)
        self.port = None
        end = time.monotonic() + 30
        while time.monotonic() < end and self.port is None:
            found = re.search(r"127\.0\.0\.1\]?:(\d+).*jzsd listening", self.log())
            if found:
                self.port = int(found.group(1))
            elif self.process.poll() is not None:
                raise RuntimeError(f"jzsd serve exited: {self.log()}")
            else:
                time.sleep(0.05)
        if self.port is None:
            self.stop()
            raise RuntimeError(f"jzsd did not start listening: {self.log()}")

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


class Server:
    """`jzsd init` (dev CA, client certificates, the schema) once, then `NODES` nodes, each on
    its own copy of the data directory."""

    def __init__(self, nodes=NODES):
        if nodes > 1 and not os.environ.get("JZSD_DATABASE"):
            raise RuntimeError("JZS_NODES > 1 needs JZSD_DATABASE (several nodes share one PostgreSQL)")
        self.jzsd = os.environ["JZSD"]
        self.root = tempfile.mkdtemp(prefix="jzsd-grpc-")
        self.data = os.path.join(self.root, "node-1")
        init = subprocess.run([self.jzsd, "init", "--data", self.data], capture_output=True, text=True)
        if init.returncode != 0:
            raise RuntimeError(f"jzsd init failed: {init.stdout}{init.stderr}")
        for n in range(2, nodes + 1):
            shutil.copytree(self.data, os.path.join(self.root, f"node-{n}"), symlinks=True)
        self.nodes = []
        try:
            for n in range(1, nodes + 1):
                self.nodes.append(self.make_node(os.path.join(self.root, f"node-{n}")))
        except Exception:
            self.stop()
            raise
        self.port = self.nodes[0].port
        self.ca = self.pki("ca.pem")
        self._next_node = itertools.count()

    def make_node(self, data):
        """Starts one node on `data` (a subclass may add options)."""
        return Node(self.jzsd, data)

    def pki(self, *parts):
        return os.path.join(self.data, "pki", *parts)

    def identity(self, name):
        """Certificate and key that `jzsd init` made for `name` (`province-37`, `ministry`)."""
        return self.pki("clients", f"{name}.pem"), self.pki("clients", f"{name}-key.pem")

    def log(self):
        """Every node's log, one after the other."""
        return "".join(node.log() for node in self.nodes)

    def wait_for_log(self, pattern, timeout=10.0):
        """The first match of `pattern` in the nodes' logs, waiting up to `timeout` seconds."""
        end = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.log())
            if found or time.monotonic() > end:
                return found
            time.sleep(0.05)

    def sms_code(self, phone):
        """The last code the embedded SMS gateway 'sent' to `phone` (jzsd sms outbox; on
        PostgreSQL the outbox is shared, so any node's data directory reads it)."""
        out = subprocess.run([self.jzsd, "sms", "outbox", "--data", self.data, "--phone", phone, "--last", "1"],
                             capture_output=True, text=True, check=True).stdout
        return re.findall(r"\b(\d{6})\b", out)[-1]

    def target(self):
        """The gRPC target naming every node (`ipv4:` with a comma-separated address list)."""
        if len(self.nodes) == 1:
            return f"127.0.0.1:{self.port}"
        return "ipv4:" + ",".join(f"127.0.0.1:{node.port}" for node in self.nodes)

    def next_port(self):
        """For jzs/1 channels, which have one address each: the nodes in turn."""
        return self.nodes[next(self._next_node) % len(self.nodes)].port

    def stop(self):
        for node in self.nodes:
            node.stop()
        shutil.rmtree(self.root, ignore_errors=True)


_SERVER = None
_SERVER_LOCK = threading.Lock()


def shared():
    """The run's server, started on first use and stopped when the interpreter exits."""
    global _SERVER
    with _SERVER_LOCK:
        if _SERVER is None:
            _SERVER = Server()
            atexit.register(_SERVER.stop)
        return _SERVER


def read(path):
    with open(path, "rb") as f:
        return f.read()


def channel(identity=None):
    """A channel to the server: stock grpcio over TLS (ALPN h2) trusting the dev CA, with the
    client certificate of `identity` (`province-37`, `ministry`) if given. With several nodes,
    one channel reaches all of them, round robin per call."""
    server = shared()
    cert, key = server.identity(identity) if identity else (None, None)
    if TRANSPORT == "jzs1":
        return Jzs1Channel("127.0.0.1", server.next_port(), server.ca, cert, key)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=read(server.ca),
        private_key=read(key) if key else None,
        certificate_chain=read(cert) if cert else None)
    # The server certificate names localhost, 127.0.0.1 and ::1. With one address the target's
    # host (127.0.0.1) is checked; an address list has no single host, so the name is given.
    options = []
    if len(server.nodes) > 1:
        options = [("grpc.lb_policy_name", "round_robin"), ("grpc.ssl_target_name_override", "localhost")]
    return grpc.secure_channel(server.target(), credentials, options=options)


def close(ch):
    ch.close()


def code_of(error):
    """The status name of a failed call, from either transport."""
    if isinstance(error, Jzs1Error):
        return error.code_name
    return error.code().name


def luhn31_credit_code(first17):
    """A GB 32100 credit code: `first17` plus its MOD 31 check character (docs/PROTOCOL.md §15.11)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return first17 + alphabet[(31 - total % 31) % 31]


def id_number(first17):
    """A GB 11643 citizen ID number: `first17` plus its ISO 7064 MOD 11-2 check character
    (docs/PROTOCOL.md §15.11)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(first17, weights))
    return first17 + "10X98765432"[total % 11]


PNG = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + b"\x00\x00\x00\x0dIHDR" + bytes(64)


class StockTestCase(unittest.TestCase):
    def assertFails(self, code, fn, *args, **kwargs):
        """Calls `fn` and returns its error, which must carry status `code` (a name)."""
        try:
            fn(*args, **kwargs)
        except (grpc.RpcError, Jzs1Error) as error:
            self.assertEqual(code_of(error), code, str(error))
            return error
        self.fail(f"expected {code}")

    def requireGRPC(self):
        if TRANSPORT != "h2":
            self.skipTest("gRPC-only (JZS_TRANSPORT=h2)")
