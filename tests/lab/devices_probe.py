#!/usr/bin/env python3
"""devices_probe.py SECONDS KIND,ADDR,ARG... -- waits until each device answers as the lab built it.

  svc,ADDR,TYPE   a DNS-SD service list (PTR _services._dns-sd._udp.local, unicast to ADDR:5353) names TYPE
  ssdp,ADDR,TEXT  a multicast M-SEARCH (ssdp:all, MX 1) out of eth0 (or lan0) gets an answer from ADDR whose
                  LOCATION (on ADDR) serves a description containing TEXT
  nb,ADDR,NAME    NBSTAT to ADDR:137 lists NAME
Asks every 0.3 s; prints the ones that never answered and fails if any.  Lab namespaces only.
"""
import random
import select
import socket
import struct
import sys
import time
import urllib.parse
import urllib.request


def qname(name):
    return b"".join(bytes([len(x)]) + x.encode() for x in name.split(".") if x) + b"\0"


def rname(pkt, off, depth=0):
    out = []
    while off < len(pkt) and depth < 20:
        n = pkt[off]
        if n == 0:
            return ".".join(out), off + 1
        if n & 0xC0 == 0xC0:
            name, _ = rname(pkt, ((n & 0x3F) << 8) | pkt[off + 1], depth + 1)
            return ".".join(out + ([name] if name else [])), off + 2
        out.append(pkt[off + 1:off + 1 + n].decode("utf-8", "replace"))
        off += 1 + n
    raise ValueError("bad name")


def ptr_targets(pkt):
    qd, an, ns, ar = struct.unpack("!HHHH", pkt[4:12])
    off, out = 12, []
    for _ in range(qd):
        _, off = rname(pkt, off)
        off += 4
    for _ in range(an + ns + ar):
        _, off = rname(pkt, off)
        typ, _, _, ln = struct.unpack("!HHIH", pkt[off:off + 10])
        if typ == 12:
            out.append(rname(pkt, off + 10)[0])
        off += 10 + ln
    return out


def nbstat(tid):
    return (struct.pack("!HHHHHH", tid, 0, 1, 0, 0, 0) + b"\x20CK" + b"A" * 30 + b"\0" + struct.pack("!HH", 0x21, 1))


def nb_names(pkt):
    _, off = rname(pkt, 12)
    off += 10
    return [pkt[off + 1 + 18 * i:off + 16 + 18 * i].decode("ascii", "replace").strip() for i in range(pkt[off])]


def ssdp_location(pkt):
    for line in pkt.decode("latin-1").split("\r\n"):
        k, _, v = line.partition(":")
        if k.strip().lower() == "location":
            return v.strip()
    return None


def described(loc, addr, text):
    u = urllib.parse.urlparse(loc)
    if u.hostname != addr:
        return False
    try:
        with urllib.request.urlopen(loc, timeout=1) as r:
            return text in r.read(65536).decode("utf-8", "replace")
    except OSError:
        return False


def main():
    deadline = time.time() + float(sys.argv[1])
    pending = {}
    msearch = (b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
               b"MX: 1\r\nST: ssdp:all\r\n\r\n")
    for t in sys.argv[2:]:
        kind, addr, arg = t.split(",", 2)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        if kind == "ssdp":
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("0.0.0.0"))
            for ifname in (b"eth0\0", b"lan0\0"):  # a device's link, or the scanner's
                try:
                    s.setsockopt(socket.SOL_SOCKET, 25, ifname)  # SO_BINDTODEVICE
                    break
                except OSError:
                    continue
        pending[s] = (t, kind, addr, arg)
    while pending and time.time() < deadline:
        for s, (t, kind, addr, arg) in pending.items():
            try:
                if kind == "nb":
                    s.sendto(nbstat(random.randrange(65536)), (addr, 137))
                elif kind == "svc":
                    s.sendto(struct.pack("!HHHHHH", random.randrange(65536), 0, 1, 0, 0, 0) +
                             qname("_services._dns-sd._udp.local") + struct.pack("!HH", 12, 1), (addr, 5353))
                else:
                    s.sendto(msearch, ("239.255.255.250", 1900))
            except OSError:
                pass
        end = min(deadline, time.time() + 0.3 if all(k != "ssdp" for _, k, _, _ in pending.values())
                  else time.time() + 1.3)
        while pending and time.time() < end:
            ready, _, _ = select.select(list(pending), [], [], max(0.0, end - time.time()))
            for s in ready:
                t, kind, addr, arg = pending[s]
                try:
                    pkt, src = s.recvfrom(9000)
                    if kind == "nb":
                        ok = arg in nb_names(pkt)
                    elif kind == "svc":
                        ok = src[0] == addr and any(n.rstrip(".").startswith(arg + ".") for n in ptr_targets(pkt))
                    else:
                        loc = ssdp_location(pkt)
                        ok = src[0] == addr and loc is not None and described(loc, addr, arg)
                except (OSError, IndexError, ValueError, struct.error):
                    continue
                if ok:
                    del pending[s]
    for t, _, _, _ in pending.values():
        print(t)
    sys.exit(1 if pending else 0)


main()
