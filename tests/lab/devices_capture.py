#!/usr/bin/env python3
"""devices_capture.py OUTDIR -- saves what the device lab's real daemons send, for unit tests and fuzz seeds.

Run in a device lab namespace (devices.sh), e.g. from dnothing.  Writes OUTDIR/dnssd/*.bin (avahi's
unicast replies: the service list, a type's instances, an instance's TXT and SRV), OUTDIR/ssdp/*.txt
(minidlna's and miniupnpd's M-SEARCH answers), OUTDIR/http/*.txt (their raw HTTP responses) and
OUTDIR/upnp/*.xml (the description bodies).
"""
import os
import select
import socket
import struct
import sys
import time


def qname(name):
    return b"".join(bytes([len(x)]) + x.encode() for x in name.split(".") if x) + b"\0"


def dns(addr, name, typ, tid):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    s.sendto(struct.pack("!HHHHHH", tid, 0, 1, 0, 0, 0) + qname(name) + struct.pack("!HH", typ, 1), (addr, 5353))
    return s.recv(9000)


def save(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def http_raw(host, port, path):
    s = socket.create_connection((host, port), timeout=2)
    s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n" % (path, host, port)).encode())
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    return out


def main():
    out = sys.argv[1]
    d = os.path.join(out, "dnssd")
    save(d + "/printer-services.bin", dns("198.19.1.40", "_services._dns-sd._udp.local", 12, 0x1001))
    save(d + "/printer-ipp-ptr.bin", dns("198.19.1.40", "_ipp._tcp.local", 12, 0x1002))
    save(d + "/printer-ipp-txt.bin", dns("198.19.1.40", "HP LaserJet Pro M404dn._ipp._tcp.local", 16, 0x1003))
    save(d + "/printer-ipp-srv.bin", dns("198.19.1.40", "HP LaserJet Pro M404dn._ipp._tcp.local", 33, 0x1004))
    save(d + "/mac-services.bin", dns("198.19.1.41", "_services._dns-sd._udp.local", 12, 0x2001))
    save(d + "/mac-devinfo-txt.bin", dns("198.19.1.41", "MacBook Air._device-info._tcp.local", 16, 0x2002))
    save(d + "/cast-txt.bin", dns("198.19.1.42", "Chromecast-4c1e7a._googlecast._tcp.local", 16, 0x3001))
    save(d + "/pi-services.bin", dns("198.19.1.43", "_services._dns-sd._udp.local", 12, 0x4001))
    save(d + "/phone-ptr.bin", dns("198.19.1.48", "_companion-link._tcp.local", 12, 0x5001))
    # SSDP: one multicast M-SEARCH out of eth0, every answer for 1.5 s.
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, 25, b"eth0\0")
    s.sendto(b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
             b"ST: ssdp:all\r\n\r\n", ("239.255.255.250", 1900))
    end, n = time.time() + 1.5, {}
    while time.time() < end:
        r, _, _ = select.select([s], [], [], max(0, end - time.time()))
        if r:
            pkt, src = s.recvfrom(9000)
            k = {"198.19.1.44": "minidlna", "198.19.1.45": "miniupnpd"}.get(src[0], "other")
            n[k] = n.get(k, 0) + 1
            save(os.path.join(out, "ssdp", "%s-%d.txt" % (k, n[k])), pkt)
    for name, host, port in (("minidlna", "198.19.1.44", 8200), ("miniupnpd", "198.19.1.45", 5000)):
        raw = http_raw(host, port, "/rootDesc.xml")
        save(os.path.join(out, "http", name + ".txt"), raw)
        body = raw.split(b"\r\n\r\n", 1)[1]
        save(os.path.join(out, "upnp", name + ".xml"), body)


main()
