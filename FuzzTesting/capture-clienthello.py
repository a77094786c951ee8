#!/usr/bin/env python3
"""Captures the first flight (ClientHello) `openssl s_client` sends, as a seed for the tls target.

Usage: FuzzTesting/capture-clienthello.py OUTPUT [s_client options...]
Listens on a free loopback port, starts `openssl s_client -connect` to it with the options given,
and saves what arrives within a second. The committed seeds Corpus/tls/clienthello-s_client-* came from:
  capture-clienthello.py clienthello-s_client-tls12-alpn -tls1_2 -alpn jzs/1 -servername localhost
  capture-clienthello.py clienthello-s_client-tls13-alpn-h2 -tls1_3 -alpn h2 -servername localhost
  capture-clienthello.py clienthello-s_client-no-alpn-no-sni -noservername
  capture-clienthello.py clienthello-s_client-tls12-rsa-cbc -tls1_2 -cipher AES128-SHA -alpn jzs/1
  capture-clienthello.py clienthello-s_client-tls13-x448-psk-modes -tls1_3 -groups X448:P-521 -alpn jzs/1,h2 -servername example.org
"""
import socket
import subprocess
import sys

out, args = sys.argv[1], sys.argv[2:]
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen(1)
port = server.getsockname()[1]
client = subprocess.Popen(["openssl", "s_client", "-connect", f"127.0.0.1:{port}"] + args,
                          stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
conn, _ = server.accept()
conn.settimeout(1.0)
data = b""
try:
    while chunk := conn.recv(65536):
        data += chunk
except socket.timeout:
    pass
conn.close()
client.kill()
with open(out, "wb") as f:
    f.write(data)
print(out, len(data), "bytes")
