"""Hostile HTTP/2 clients against jzsd's gRPC endpoint, written from RFC 9113 and RFC 7541 with
nothing but Python's ssl module: frames and header blocks are built by hand, so the client can do
what no stock library would (stop reading, never open its flow-control window, send header
blocks that are not well-formed requests).

Each test starts a jzsd of its own (embedded SQLite, short write-stall timeout) so that its memory
and its log belong to the test.
"""

import os
import re
import socket
import ssl
import struct
import time
import unittest

from jzs.public.v1 import public_pb2

from jzsd_nodes import TRANSPORT, Node, Server

MIB = 1024 * 1024
# What the server may hold for a client that reads nothing while asking for 10,000 × 60 KB: its
# outbound budget, TLS and HTTP/2 buffers, a message being encoded; far below the 600 MB asked.
MEMORY_BOUND = 200 * MIB
PAYLOAD = 60_000   # with its framing, one request inside the default 64 KiB stream window

DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE = 0x0, 0x1, 0x3, 0x4, 0x6, 0x7, 0x8
END_STREAM, END_HEADERS, ACK = 0x1, 0x4, 0x1
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def frame(kind, flags, stream, payload=b""):
    """One HTTP/2 frame: 24-bit length, type, flags, 31-bit stream id, payload (RFC 9113 §4.1)."""
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def hpack_integer(value, prefix_bits, first=0):
    """An HPACK integer with an N-bit prefix (RFC 7541 §5.1)."""
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([first | value])
    out = [first | limit]
    value -= limit
    while value >= 128:
        out.append(value % 128 + 128)
        value //= 128
    return bytes(out + [value])


def header_block(headers):
    """Each header as a literal without indexing, new name, no Huffman (RFC 7541 §6.2.2)."""
    out = b""
    for name, value in headers:
        name, value = name.encode(), value.encode()
        out += b"\x00" + hpack_integer(len(name), 7) + name + hpack_integer(len(value), 7) + value
    return out


def grpc_message(message):
    body = message.SerializeToString()
    return b"\x00" + struct.pack(">I", len(body)) + body


def rss(pid):
    """(current, peak) resident memory of `pid` in bytes, from /proc."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            fields[key] = rest
    kib = lambda key: int(fields.get(key, "0 kB").split()[0]) * 1024
    return kib("VmRSS"), kib("VmHWM")


class RawH2:
    """A TLS connection with ALPN h2 and a province certificate, speaking frames by hand."""

    def __init__(self, server, identity="province-37", settings=b""):
        context = ssl.create_default_context(cafile=server.ca)
        context.load_cert_chain(*server.identity(identity))
        context.set_alpn_protocols(["h2"])
        raw = socket.create_connection(("127.0.0.1", server.nodes[0].port), timeout=10)
        # A small receive buffer, so the kernel holds little of what the server sends us.
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        self.sock = context.wrap_socket(raw, server_hostname="localhost")
        assert self.sock.selected_alpn_protocol() == "h2", self.sock.selected_alpn_protocol()
        # Our preface and SETTINGS; the server's SETTINGS is acknowledged when read.
        self.sock.sendall(PREFACE + frame(SETTINGS, 0, 0, settings))

    def read_frame(self):
        head = self.read_exactly(9)
        length = int.from_bytes(head[:3], "big")
        return head[3], head[4], int.from_bytes(head[5:9], "big") & 0x7FFFFFFF, self.read_exactly(length)

    def read_exactly(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise ConnectionError("closed")
            out += chunk
        return out

    def acknowledge_settings(self):
        """Reads until the server's SETTINGS and acknowledges it."""
        while True:
            kind, flags, _, _ = self.read_frame()
            if kind == SETTINGS and not flags & ACK:
                self.sock.sendall(frame(SETTINGS, ACK, 0))
                return

    def call(self, stream, path, message, metadata=()):
        headers = [(":method", "POST"), (":scheme", "https"), (":path", path), (":authority", "localhost"),
                   ("content-type", "application/grpc"), ("te", "trailers")] + list(metadata)
        body = grpc_message(message)
        # DATA frames of at most 16,384 bytes (the default SETTINGS_MAX_FRAME_SIZE); the whole
        # request must fit the server's initial windows (64 KiB by default), as nothing here
        # reads its WINDOW_UPDATEs.
        chunks = [body[i:i + 16384] for i in range(0, len(body), 16384)]
        self.sock.sendall(frame(HEADERS, END_HEADERS, stream, header_block(headers)) + b"".join(
            frame(DATA, END_STREAM if i == len(chunks) - 1 else 0, stream, chunk) for i, chunk in enumerate(chunks)))

    def closed_within(self, seconds):
        """True if the server closes the connection within `seconds` (reading and dropping
        whatever it still sends)."""
        self.sock.settimeout(0.5)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                if not self.sock.recv(1 << 20):
                    return True
            except socket.timeout:
                continue
            except (ConnectionError, ssl.SSLError, OSError):
                return True
        return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class OwnServer(Server):
    """A one-node jzsd on embedded SQLite with `limits` (`--limit name=value`)."""

    def __init__(self, limits):
        saved = os.environ.pop("JZSD_DATABASE", None)
        try:
            self.limits = limits
            super().__init__(nodes=1)
        finally:
            if saved is not None:
                os.environ["JZSD_DATABASE"] = saved

    def make_node(self, data):
        return Node(self.jzsd, data, [arg for limit in self.limits for arg in ("--limit", limit)])


class HostileH2TestCase(unittest.TestCase):
    """A server of the test's own (write-stall timeout 2 s), and the attack both tests make."""

    def setUp(self):
        if TRANSPORT != "h2":
            self.skipTest("HTTP/2 only")
        self.server = OwnServer(["write-stall-timeout=2s"])

    def tearDown(self):
        self.server.stop()

    def ask_for_a_huge_stream(self, request_id, settings=b""):
        """A province connection over h2 asking for 10,000 messages of 60 KB; returns it."""
        attacker = RawH2(self.server, settings=settings)
        attacker.acknowledge_settings()
        attacker.call(1, "/jzs.public.v1.Public/EchoStream",
                      public_pb2.EchoStreamRequest(payload=bytes(PAYLOAD), count=10_000),
                      metadata=[("operator", "attacker"), ("request-id", request_id)])
        return attacker

    def peak_rss(self):
        return rss(self.server.nodes[0].process.pid)[1]


class NonReadingClientTests(HostileH2TestCase):
    def test_a_client_that_never_reads_a_huge_stream_is_closed_and_the_server_stays_small(self):
        # Given a province connection over h2 that asks for 10,000 messages of 60 KB
        attacker = self.ask_for_a_huge_stream("py-h2-nonreading")
        try:
            # When it reads nothing more (and never opens its flow-control window)
            deadline = time.monotonic() + 20
            closed = None
            while time.monotonic() < deadline and not closed:
                closed = re.search(r"write-stall timeout", self.server.log())
                time.sleep(0.1)
            peak = self.peak_rss()
            # Then the server ends the connection after the write-stall timeout, having held
            # little of the 600 MB asked for, and serves others after
            self.assertTrue(closed, "the non-reading connection was not closed: " + self.server.log()[-2000:])
            self.assertTrue(attacker.closed_within(10))
            self.assertLess(peak, MEMORY_BOUND, f"peak RSS {peak // MIB} MiB")
            print(f"\nh2 non-reading stream: peak RSS {peak // MIB} MiB", flush=True)
        finally:
            attacker.close()
        polite = RawH2(self.server)
        try:
            polite.acknowledge_settings()
            polite.call(1, "/jzs.public.v1.Public/Echo", public_pb2.EchoRequest(text="still here"))
            answer = b""
            while b"still here" not in answer:
                kind, _, _, payload = polite.read_frame()
                if kind == DATA:
                    answer += payload
        finally:
            polite.close()


class ClosedWindowTests(HostileH2TestCase):
    """A client that reads everything but never lets the server send: its SETTINGS give every
    stream a window of 0 bytes and it never sends WINDOW_UPDATE (RFC 9113 §6.9.2)."""

    def test_a_stream_whose_window_never_opens_holds_little_and_ends(self):
        attacker = self.ask_for_a_huge_stream("py-h2-window0", settings=struct.pack(">HI", 0x4, 0))
        try:
            # It reads whatever comes (HEADERS, PINGs, a GOAWAY), so TCP never stalls.
            ended = attacker.closed_within(15)
            peak = self.peak_rss()
            self.assertLess(peak, MEMORY_BOUND, f"peak RSS {peak // MIB} MiB")
            print(f"\nh2 window never opened: peak RSS {peak // MIB} MiB", flush=True)
            self.assertTrue(ended, "the stalled stream's connection was not closed in 15 s: " + self.server.log()[-2000:])
        finally:
            attacker.close()


class ReflectionFloodTests(HostileH2TestCase):
    """A client that asks server reflection for the largest file again and again on one stream
    (each request a few dozen bytes, each answer the file with its dependencies) and reads
    nothing: reflection answers count in the outbound budget like every response, so once it is
    full the stream ends RESOURCE_EXHAUSTED and the connection stops being read, until the
    write-stall timeout closes it. (Before, every answer waited in memory: 7.6 KB each, 250 MB
    for this flood.)"""

    REFLECTION = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"

    def test_a_reflection_flood_that_is_never_read_holds_little(self):
        symbol = b"jzs.ministry.v1.Ministry"
        request = b"\x22" + bytes([len(symbol)]) + symbol   # file_containing_symbol = 4
        message = b"\x00" + struct.pack(">I", len(request)) + request
        # 1 MiB of requests fits the server's initial stream window: about 32,000 answers asked.
        asked = (1024 * 1024 - 1024) // len(message)
        attacker = RawH2(self.server)
        try:
            attacker.acknowledge_settings()
            headers = [(":method", "POST"), (":scheme", "https"), (":path", self.REFLECTION), (":authority", "localhost"),
                       ("content-type", "application/grpc"), ("te", "trailers")]
            attacker.sock.sendall(frame(HEADERS, END_HEADERS, 1, header_block(headers)))
            body = message * asked
            attacker.sock.settimeout(5)
            try:
                for i in range(0, len(body), 16384):
                    attacker.sock.sendall(frame(DATA, 0, 1, body[i:i + 16384]))
            except (socket.timeout, OSError):
                pass   # the server stopped reading: what it took is what counts
            # Then the server holds little (at most its outbound budget) and closes the connection
            # (write-stall timeout, 2 s here; or the first-call timeout, 10 s: it made no call)
            time.sleep(3)
            peak = self.peak_rss()
            closed = attacker.closed_within(20)
            print(f"\nh2 reflection flood ({asked} answers asked): peak RSS {peak // MIB} MiB", flush=True)
            self.assertLess(peak, MEMORY_BOUND, f"peak RSS {peak // MIB} MiB")
            self.assertTrue(closed, "the flooding connection was not closed: " + self.server.log()[-2000:])
        finally:
            attacker.close()


class MalformedRequestTests(unittest.TestCase):
    """Header blocks that are not well-formed HTTP/2 requests (RFC 9113 §8.2-8.3): the server
    resets each stream with PROTOCOL_ERROR, starts no call, and the connection goes on."""

    PROTOCOL_ERROR = 0x1
    PSEUDO = [(":method", "POST"), (":scheme", "https"), (":path", "/jzs.public.v1.Public/Echo"), (":authority", "localhost")]
    GRPC = [("content-type", "application/grpc"), ("te", "trailers")]
    BLOCKS = {
        "uppercase name": PSEUDO + GRPC + [("Operator", "x")],
        "connection-specific header": PSEUDO + GRPC + [("connection", "keep-alive")],
        "te other than trailers": PSEUDO + [("content-type", "application/grpc"), ("te", "gzip")],
        "CR LF in a value": PSEUDO + GRPC + [("request-id", "a\r\nx-injected: 1")],
        "pseudo-header after a regular one": PSEUDO[:3] + GRPC + [(":authority", "localhost")],
        ":status in a request": PSEUDO + [(":status", "200")] + GRPC,
        "no :path": PSEUDO[:2] + GRPC,
        "duplicate :method": PSEUDO + [(":method", "GET")] + GRPC,
    }

    def setUp(self):
        if TRANSPORT != "h2":
            self.skipTest("HTTP/2 only")
        self.server = OwnServer([])

    def tearDown(self):
        self.server.stop()

    def test_each_malformed_request_is_reset_and_the_connection_serves_the_next_call(self):
        client = RawH2(self.server)
        try:
            client.acknowledge_settings()
            stream = 1
            for name, headers in self.BLOCKS.items():
                body = grpc_message(public_pb2.EchoRequest(text="never answered"))
                client.sock.sendall(frame(HEADERS, END_HEADERS, stream, header_block(headers)) + frame(DATA, END_STREAM, stream, body))
                # Then that stream, and only it, is reset with PROTOCOL_ERROR, without an answer
                while True:
                    kind, _, sid, payload = client.read_frame()
                    self.assertFalse(kind in (HEADERS, DATA) and sid == stream, f"{name}: answered instead of reset")
                    if kind == GOAWAY:
                        self.fail(f"{name}: the connection was closed")
                    if kind == RST_STREAM and sid == stream:
                        self.assertEqual(int.from_bytes(payload, "big"), self.PROTOCOL_ERROR, name)
                        break
                stream += 2
            # And a well-formed call on the same connection is answered
            client.call(stream, "/jzs.public.v1.Public/Echo", public_pb2.EchoRequest(text="still served"))
            answer = b""
            while b"still served" not in answer:
                kind, _, sid, payload = client.read_frame()
                if kind == DATA and sid == stream:
                    answer += payload
        finally:
            client.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
