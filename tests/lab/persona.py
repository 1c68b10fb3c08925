#!/usr/bin/env python3
"""persona.py -- user-space hosts for the lab: slow hosts, sprayers and hostile responders.

Runs only inside a lab network namespace: it refuses to start where any
interface is a physical one (see in_lab()).  Modes:

  delayed  answer ICMP echo for ADDR=MS pairs after MS milliseconds (the
           kernel must ignore echo: net.ipv4.icmp_echo_ignore_all=1), and
           with --arp IFACE answer ARP for them after the same delay (the
           kernel must not: arp_ignore=8 on IFACE).  A sleepy Wi-Fi client.
  spray    send unsolicited echo replies (random ids, sequences, payloads)
           from --sources (absent addresses) to --to at --rate a second.
  listen   accept TCP connections on --port (a deep backlog, as a real server
           has) and close them at once.
  hostile  for each echo request to --addrs: first a forged "host
           unreachable" quoting it, then 50 copies of the right reply plus
           replies with a wrong id, sequence, payload, checksum, a truncated
           one and ones from spoofed sources, after --delay ms.

Every mode stops after --duration seconds.
"""
import argparse
import heapq
import ipaddress
import os
import random
import select
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806
ETH_P_ALL = 0x0003


def in_lab():
    """True when this namespace looks like a lab one: no interface but lo and veths/bridges we made."""
    for name in os.listdir("/sys/class/net"):
        if name == "lo":
            continue
        kind = os.path.realpath(os.path.join("/sys/class/net", name))
        if "/virtual/" not in kind:
            return False
    return True


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(src, dst, payload, proto=1, ttl=64):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), random.randrange(65536), 0, ttl, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def icmp(type_, code, rest, body):
    msg = struct.pack("!BBH", type_, code, 0) + rest + body
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


class Raw:
    """A raw IPv4 socket that sees ICMP and sends whole IP packets."""

    def __init__(self):
        self.rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        self.tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.tx.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)

    def send(self, pkt, dst):
        try:
            self.tx.sendto(pkt, (dst, 0))
        except OSError:
            pass

    def requests(self):
        """Echo requests queued now: (src, dst, id, seq, payload, whole ip packet)."""
        out = []
        while True:
            try:
                pkt = self.rx.recv(65535, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return out
            hl = (pkt[0] & 15) * 4
            if len(pkt) < hl + 8 or pkt[hl] != 8:
                continue
            ident, seq = struct.unpack("!HH", pkt[hl + 4:hl + 8])
            out.append((socket.inet_ntoa(pkt[12:16]), socket.inet_ntoa(pkt[16:20]), ident, seq, pkt[hl + 8:], pkt))


def reply(src, dst, ident, seq, payload):
    return ip4(src, dst, icmp(0, 0, struct.pack("!HH", ident, seq), payload))


def run_delayed(args, deadline):
    delays = {}
    for pair in args.hosts:
        a, ms = pair.split("=")
        delays[a] = int(ms) / 1000.0
    raw = Raw()
    arp = None
    mac = None
    if args.arp:
        arp = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
        arp.bind((args.arp, ETH_P_ARP))
        mac = open("/sys/class/net/%s/address" % args.arp).read().strip()
        mac = bytes(int(x, 16) for x in mac.split(":"))
    due = []   # (time, n, kind, data)
    n = 0
    while time.time() < deadline:
        socks = [raw.rx] + ([arp] if arp else [])
        wait = max(0.0, min(deadline - time.time(), (due[0][0] - time.time()) if due else 0.05))
        ready, _, _ = select.select(socks, [], [], wait)
        if raw.rx in ready:
            for src, dst, ident, seq, payload, _ in raw.requests():
                if dst in delays:
                    n += 1
                    heapq.heappush(due, (time.time() + delays[dst], n, "icmp", (dst, src, ident, seq, payload)))
        if arp is not None and arp in ready:
            while True:
                try:
                    frame = arp.recv(2048, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
                a = frame[14:]
                if len(a) < 28 or a[6:8] != b"\0\1":
                    continue
                tpa = socket.inet_ntoa(a[24:28])
                if tpa in delays:
                    n += 1
                    heapq.heappush(due, (time.time() + delays[tpa], n, "arp", (frame[6:12], a[8:14], a[14:18], a[24:28])))
        while due and due[0][0] <= time.time():
            _, _, kind, d = heapq.heappop(due)
            if kind == "icmp":
                me, peer, ident, seq, payload = d
                raw.send(reply(me, peer, ident, seq, payload), peer)
            else:
                eth_src, sha, spa, tpa = d
                body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + mac + tpa + sha + spa
                arp.send(eth_src + mac + struct.pack("!H", ETH_P_ARP) + body)


def run_spray(args, deadline):
    raw = Raw()
    net = list(ipaddress.ip_network(args.sources).hosts())
    gap = 1.0 / args.rate
    nxt = time.time()
    while time.time() < deadline:
        src = str(random.choice(net))
        payload = os.urandom(random.choice([0, 8, 24, 32, 56]))
        raw.send(reply(src, args.to, random.randrange(65536), random.randrange(65536), payload), args.to)
        nxt += gap
        pause = nxt - time.time()
        if pause > 0:
            time.sleep(pause)


def run_hostile(args, deadline):
    raw = Raw()
    mine = set(args.addrs)
    absent = [str(a) for a in ipaddress.ip_network(args.sources).hosts()] if args.sources else []
    due = []
    n = 0
    while time.time() < deadline:
        wait = max(0.0, min(deadline - time.time(), (due[0][0] - time.time()) if due else 0.05))
        select.select([raw.rx], [], [], wait)
        for src, dst, ident, seq, payload, whole in raw.requests():
            if dst not in mine:
                continue
            # A forged error quoting the probe, at once; the real answer later.
            raw.send(ip4(dst, src, icmp(3, 1, b"\0\0\0\0", whole[:28 + len(payload)])), src)
            n += 1
            heapq.heappush(due, (time.time() + args.delay / 1000.0, n, (dst, src, ident, seq, payload)))
        while due and due[0][0] <= time.time():
            _, _, (me, peer, ident, seq, payload) = heapq.heappop(due)
            good = reply(me, peer, ident, seq, payload)
            for _ in range(50):
                raw.send(good, peer)
            raw.send(reply(me, peer, ident ^ 0x5555, seq, payload), peer)
            raw.send(reply(me, peer, ident, seq + 1, payload), peer)
            raw.send(reply(me, peer, ident, seq, bytes(len(payload))), peer)
            raw.send(reply(me, peer, ident, seq, payload)[:20 + 8 + 4], peer)
            bad = bytearray(reply(me, peer, ident, seq, payload))
            bad[22] ^= 0xFF   # the ICMP checksum
            raw.send(bytes(bad), peer)
            for other in absent[:20]:
                raw.send(reply(other, peer, ident, seq, payload), peer)


def run_listen(args, deadline):
    socks = []
    for fam, any_ in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((any_, args.port))
        s.listen(4096)
        s.setblocking(False)
        socks.append(s)
    while time.time() < deadline:
        ready, _, _ = select.select(socks, [], [], min(0.5, max(0.0, deadline - time.time())))
        for s in ready:
            try:
                c, _ = s.accept()
                c.close()
            except OSError:
                pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["delayed", "spray", "hostile", "listen"])
    p.add_argument("--port", type=int, default=445, help="listen: the TCP port")
    p.add_argument("--hosts", nargs="*", default=[], help="delayed: ADDR=MS pairs")
    p.add_argument("--arp", help="delayed: answer ARP on this interface too")
    p.add_argument("--to", help="spray: the scanner's address")
    p.add_argument("--sources", help="spray/hostile: a prefix of absent addresses to claim")
    p.add_argument("--rate", type=float, default=4000)
    p.add_argument("--addrs", nargs="*", default=[], help="hostile: addresses to answer for")
    p.add_argument("--delay", type=float, default=200, help="hostile: ms before the real reply")
    p.add_argument("--duration", type=float, default=60)
    args = p.parse_args()
    if not in_lab():
        sys.exit("persona.py: not in a lab namespace; refusing")
    deadline = time.time() + args.duration
    {"delayed": run_delayed, "spray": run_spray, "hostile": run_hostile, "listen": run_listen}[args.mode](
        args, deadline)


if __name__ == "__main__":
    main()
