"""A minimal jzs/1 client (docs/PROTOCOL.md §14), written from the spec like an outside
implementer's, that looks like a gRPC channel to generated stubs: `PublicStub(Jzs1Channel(...))`
calls over ALPN `jzs/1` with the same request and response classes as the gRPC side.

One call at a time per channel (a lock serialises them); enough to prove that jzs/1 and h2 clients
share the server's port and that the two transports answer alike.
"""

import socket
import ssl
import struct
import threading

from jzs.rpc.v1 import rpc_pb2

HEADERS, MESSAGE, TRAILERS, CANCEL, PING, PONG, GOAWAY = range(1, 8)
END_STREAM = 0x01
MAX_PAYLOAD = 4 * 1024 * 1024

# gRPC status names by code, so the errors read like grpc.StatusCode names.
CODE_NAMES = ["OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
              "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
              "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
              "UNAUTHENTICATED"]


class Jzs1Error(Exception):
    """A call that ended with a non-zero code in its TRAILERS."""

    def __init__(self, trailers):
        code = trailers.code if trailers.code <= 16 else 2
        super().__init__(f"{CODE_NAMES[code]}: {trailers.message}")
        self.code_number = code
        self.code_name = CODE_NAMES[code]
        self.message = trailers.message
        self.violations = list(trailers.violations)
        self.metadata = {m.key: m.value for m in trailers.metadata}


class Jzs1Channel:
    """A TLS connection with ALPN jzs/1; `unary_unary`/`unary_stream` as grpc.Channel has them."""

    def __init__(self, host, port, cafile, certfile=None, keyfile=None):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_verify_locations(cafile)
        if certfile:
            ctx.load_cert_chain(certfile, keyfile)
        ctx.set_alpn_protocols(["jzs/1"])
        self.sock = ctx.wrap_socket(socket.create_connection((host, port), timeout=30), server_hostname=host)
        if self.sock.selected_alpn_protocol() != "jzs/1":
            self.sock.close()
            raise ConnectionError("server did not select ALPN jzs/1")
        self.next_id = 1
        self.lock = threading.Lock()

    def close(self):
        self.sock.close()

    # grpc.Channel's factory methods, as generated stubs call them.
    def unary_unary(self, path, request_serializer=None, response_deserializer=None, **_):
        def call(request, timeout=None, metadata=None, **__):
            responses, _ = self.call(path, request_serializer(request), response_deserializer, timeout, metadata)
            if len(responses) != 1:
                raise ConnectionError(f"{path}: {len(responses)} responses to a unary call")
            return responses[0]
        return call

    def unary_stream(self, path, request_serializer=None, response_deserializer=None, **_):
        def call(request, timeout=None, metadata=None, **__):
            responses, _ = self.call(path, request_serializer(request), response_deserializer, timeout, metadata)
            return iter(responses)
        return call

    def stream_unary(self, *_, **__):
        raise NotImplementedError("client streaming does not exist in jzs/1")

    stream_stream = stream_unary

    def _send(self, ftype, flags, call_id, payload=b""):
        self.sock.sendall(struct.pack(">IBBI", len(payload), ftype, flags, call_id) + payload)

    def _read_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("connection closed")
            buf += chunk
        return buf

    def _read_frame(self):
        length, ftype, flags, call_id = struct.unpack(">IBBI", self._read_exact(10))
        if length > MAX_PAYLOAD:
            raise ConnectionError("frame too large")
        return ftype, flags, call_id, self._read_exact(length)

    def call(self, path, request_bytes, decode, timeout=None, metadata=None):
        """Runs one call; returns (responses, trailer metadata) or raises Jzs1Error."""
        with self.lock:
            call_id = self.next_id
            self.next_id += 1
            headers = rpc_pb2.CallHeaders(
                method=path, timeout_micros=int((timeout or 30) * 1_000_000),
                metadata=[rpc_pb2.MetadataEntry(key=k, value=v) for k, v in (metadata or ())])
            self._send(HEADERS, 0, call_id, headers.SerializeToString())
            self._send(MESSAGE, END_STREAM, call_id, request_bytes)
            responses = []
            while True:
                ftype, _, cid, payload = self._read_frame()
                if ftype == PING:
                    self._send(PONG, 0, 0, payload)
                elif ftype == GOAWAY:
                    goaway = rpc_pb2.GoAway.FromString(payload)
                    if call_id > goaway.last_call_id:
                        raise ConnectionError("refused by GOAWAY")
                elif cid != call_id:
                    continue
                elif ftype == MESSAGE:
                    responses.append(decode(payload))
                elif ftype == TRAILERS:
                    trailers = rpc_pb2.CallTrailers.FromString(payload)
                    if trailers.code != 0:
                        raise Jzs1Error(trailers)
                    return responses, {m.key: m.value for m in trailers.metadata}
